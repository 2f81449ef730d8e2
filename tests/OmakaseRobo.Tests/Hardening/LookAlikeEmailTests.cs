using System.Net;
using OmakaseRobo.Api.Platform.Problems;
using OmakaseRobo.Api.Platform.Text;
using OmakaseRobo.Tests.Infrastructure;

namespace OmakaseRobo.Tests.Hardening;

public sealed class LookAlikeEmailTests
{
    [Theory]
    [InlineData("\uff41\uff4c\uff49\uff43\uff45\uff20\uff45\uff58\uff41\uff4d\uff50\uff4c\uff45\uff0e\uff43\uff4f\uff4d", "alice@example.com")]
    [InlineData("e\u0301", "\u00e9")]
    [InlineData("\ufb01le", "file")]
    [InlineData("\u212b", "\u00c5")]
    [InlineData("\u2126", "\u03a9")]
    [InlineData("\u212a", "K")]
    [InlineData("\u3231", "(\u682a)")]
    [InlineData("\uff76\uff9e", "\u30ac")]
    [InlineData("\u1100\u1161\u11a8", "\uac01")]
    [InlineData("\uac00\u11a8", "\uac01")]
    [InlineData("a\u0328\u0301\u0323", "\u0105\u0323\u0301")]
    [InlineData("A\u030a\u0301", "\u01fa")]
    [InlineData("\u2460\u2461", "12")]
    [InlineData("x\u0323\u0307", "\u1e8b\u0323")]
    [InlineData("\U0001d41a\U0001d41b\U0001d41c", "abc")]
    [InlineData("\u24d0\u24d1", "ab")]
    [InlineData("\u00bd", "1\u20442")]
    [InlineData("\u216b", "XII")]
    [InlineData("plain ascii", "plain ascii")]
    public void Nfkc_folds_compatibility_forms_and_composes_as_the_unicode_standard_says(string input, string expected) =>
        Assert.Equal(expected, Nfkc.Normalize(input));

    [Theory]
    [InlineData("Alice@Example.COM", "alice@example.com")]
    [InlineData("\uff41\uff4c\uff49\uff43\uff45\uff20\uff45\uff58\uff41\uff4d\uff50\uff4c\uff45\uff0e\uff43\uff4f\uff4d", "alice@example.com")]
    [InlineData(" ALICE@b\u00fccher.example ", "alice@xn--bcher-kva.example")]
    [InlineData("alice@bu\u0308cher.example", "alice@xn--bcher-kva.example")]
    [InlineData("alice@B\u00dcCHER.example", "alice@xn--bcher-kva.example")]
    [InlineData("alice@xn--bcher-kva.example", "alice@xn--bcher-kva.example")]
    [InlineData("jos\u0065\u0301@example.com", "jos\u00e9@example.com")]
    public void An_email_has_one_stored_form(string input, string expected) => Assert.Equal(expected, EmailAddress.Normalize(input));

    [Theory]
    [InlineData("kenji\u200b@customer.example")] // zero width space
    [InlineData("ken\u00adji@customer.example")] // soft hyphen
    [InlineData("kenji\u2060@customer.example")] // word joiner
    [InlineData("\ufeffkenji@customer.example")] // byte order mark
    [InlineData("kenji@custo\u200bmer.example")] // in the domain, where IDNA keeps it
    [InlineData("kenji\u202e@customer.example")] // right-to-left override
    [InlineData("kenji\ue000@customer.example")] // private use
    [InlineData("ken\u3000ji@customer.example")] // ideographic space
    public void An_address_with_a_character_that_shows_nothing_is_refused(string email) =>
        Assert.Equal(FieldMessages.InvalidEmail, Validate.Email(email));

    [Fact]
    public void An_address_with_half_a_surrogate_pair_is_refused() => // built here: test discovery would replace it with U+FFFD
        Assert.Equal(FieldMessages.InvalidEmail, Validate.Email("kenji" + (char)0xD800 + "@customer.example"));

    [Theory]
    [InlineData("kenji@customer.example")]
    [InlineData("jos\u00e9@b\u00fccher.example")]
    [InlineData("\u5c71\u7530@\u4f8b\u3048.jp")]
    [InlineData("kenji\U0001F600@customer.example")]
    public void Visible_addresses_in_any_script_are_accepted(string email) => Assert.Null(Validate.Email(email));

    [Fact]
    public async Task Look_alikes_of_one_address_created_in_parallel_give_exactly_one_account_stored_in_normal_form()
    {
        using var app = new OmakaseApp();
        var op = await app.OperatorAsync();
        var tenant = await app.CreateTenantAsync();
        string[] variants =
        [
            "kenji@customer.example", "KENJI@customer.example", "Kenji@Customer.Example", " kenji@customer.example ",
            "\uff4b\uff45\uff4e\uff4a\uff49@customer.example", "kenji\uff20customer.example", "kenji@\uff43\uff55\uff53\uff54\uff4f\uff4d\uff45\uff52.example",
            "\uff2b\uff25\uff2e\uff2a\uff29\uff20\uff23\uff35\uff33\uff34\uff2f\uff2d\uff25\uff32\uff0e\uff45\uff58\uff41\uff4d\uff50\uff4c\uff45",
            "kenji@customer\uff0eexample", "\U0001d424enji@customer.example", "\u24da\u24d4\u24dd\u24d9\u24d8@customer.example",
        ];

        var answers = await Task.WhenAll(Enumerable.Range(0, 3).SelectMany(_ => variants).Select(email =>
            app.Api().PostAsync($"/v1/tenants/{tenant}/users", new { email, displayName = "Kenji", roles = Array.Empty<string>() }, op.Token)));

        Assert.Single(answers, a => a.StatusCode == HttpStatusCode.Created);
        foreach (var answer in answers.Where(a => a.StatusCode != HttpStatusCode.Created))
        {
            await Problem.ReadAsync(answer, HttpStatusCode.Conflict);
        }

        var created = await ApiClient.ReadAsync(answers.Single(a => a.StatusCode == HttpStatusCode.Created), HttpStatusCode.Created);
        var users = await ApiClient.ReadAsync(await app.Api().GetAsync($"/v1/tenants/{tenant}/users", op.Token), HttpStatusCode.OK);
        Assert.Equal("kenji@customer.example", Assert.Single(users.GetProperty("items").EnumerateArray()).GetProperty("email").GetString());

        // Signing in takes any look-alike spelling to the same account, and only that one.
        var login = await app.LoginAsync(tenant, "\uff2b\uff45\uff4e\uff4a\uff49@CUSTOMER.example", created.GetProperty("temporaryPassword").GetString()!);
        Assert.True(login.GetProperty("passwordChangeRequired").GetBoolean());
    }
}
