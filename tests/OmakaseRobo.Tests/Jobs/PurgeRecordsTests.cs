using System.Net;
using System.Text;
using Amazon.DynamoDBv2.Model;
using OmakaseRobo.Api.Platform.Storage;
using OmakaseRobo.Tests.Infrastructure;

namespace OmakaseRobo.Tests.Jobs;

public sealed class PurgeRecordsTests
{
    /// <summary>Day 0's records are 31 days old (expired at the end of day 30), day 2's are 29 days old.</summary>
    private static readonly DateTimeOffset ThirtyOneDaysLater = OmakaseApp.Start + TimeSpan.FromDays(31) + TimeSpan.FromHours(1);

    private sealed record Seeded(string Customer, string Held, DateOnly Day0, DateOnly Day2);

    /// <summary>
    /// Day 0: the operator, a customer tenant with a user, a second tenant whose day-0 trail goes under legal hold, an MFA
    /// challenge nobody answers, a webhook delivery and a job run. Day 2: the user signs in again, another delivery. Then
    /// the clock moves to 31 days after day 0 and the user signs in once more (a live session).
    /// </summary>
    private static async Task<Seeded> SeedAsync(OmakaseApp app)
    {
        var op = await app.OperatorAsync();
        var customer = await app.CreateTenantAsync();
        var held = await app.CreateTenantAsync();
        var user = await app.NewUserAsync(customer, []);
        await app.NewUserAsync(held, []);
        await app.LoginAsync("platform", op.Email, op.Password);
        await app.SaveDeliveryAsync(customer, "d_day0");
        await ApiClient.ReadAsync(await app.CreateClient().PostAsync(new Uri("/events", UriKind.Relative), new StringContent(
            RepositoryFiles.Read("events/retry-webhooks.json").Replace("\"id\": \"", $"\"id\": \"{Guid.NewGuid():N}-", StringComparison.Ordinal),
            Encoding.UTF8, "application/json")), HttpStatusCode.OK);
        var day0 = app.Today();
        await app.FlushAuditAsync();
        await app.CheckpointAuditAsync();

        app.Clock.Advance(TimeSpan.FromDays(2));
        await app.SignInAgainAsync(user);
        await app.SaveDeliveryAsync(customer, "d_day2");
        var day2 = app.Today();
        await app.FlushAuditAsync();
        await app.CheckpointAuditAsync();

        await app.HoldChainAsync(held, day0);
        app.Clock.SetUtcNow(ThirtyOneDaysLater);
        await app.SignInAgainAsync(user);
        await app.FlushAuditAsync();
        return new Seeded(customer, held, day0, day2);
    }

    private static List<string> RecordKeys(Dictionary<string, Dictionary<string, AttributeValue>> items) =>
        [.. items.Where(i => !PurgeSteps.IsPurgeBookkeeping(i.Value)).Select(i => i.Key).Order(StringComparer.Ordinal)];

    private static List<string> KeysExcept(Dictionary<string, Dictionary<string, AttributeValue>> items, IEnumerable<string> gone) =>
        [.. items.Keys.Except(gone).Order(StringComparer.Ordinal)];

    private static long EventsOf(IEnumerable<Dictionary<string, AttributeValue>> items, string category) =>
        items.Count(i => i["pk"].S.StartsWith("AUDIT#", StringComparison.Ordinal) && i["sk"].S.StartsWith("EVENT#", StringComparison.Ordinal) && i["category"].S == category);

    private static long ItemsOf(IEnumerable<Dictionary<string, AttributeValue>> items, string type) =>
        items.Count(i => i.TryGetValue("type", out var t) && t.S == type);

    [Fact]
    public async Task The_purge_removes_exactly_the_expired_records_keeps_younger_and_held_ones_and_is_idempotent()
    {
        using var app = new OmakaseApp();
        var seeded = await SeedAsync(app);
        var before = await app.AllItemsAsync();
        var expired = before.Where(i => PurgeSteps.ExpiredAt(i.Value, ThirtyOneDaysLater)).ToDictionary();
        var heldHead = before[$"audit|AUDIT-CHAINS#{seeded.Held}|DAY#{seeded.Day0:yyyy-MM-dd}"];

        var first = await app.PurgeAsync();
        var afterFirst = await app.AllItemsAsync();
        var second = await app.PurgeAsync();
        var afterSecond = await app.AllItemsAsync();

        Assert.True(first.Ok, first.Problem);
        Assert.Equal(KeysExcept(before, expired.Keys), RecordKeys(afterFirst));
        Assert.Equal(afterFirst.Keys.Order(StringComparer.Ordinal), afterSecond.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(expired.Count, first.Deleted.Total);
        Assert.Equal(0, second.Deleted.Total);
        Assert.True(second.Ok, second.Problem);

        var gone = expired.Values.ToList();
        Assert.All(new[] { "access", "operation", "auth", "system" }, category => Assert.True(EventsOf(gone, category) > 0, category));
        Assert.Equal(EventsOf(gone, "access"), first.Deleted.Access);
        Assert.Equal(EventsOf(gone, "operation"), first.Deleted.Operation);
        Assert.Equal(EventsOf(gone, "auth"), first.Deleted.Auth);
        Assert.Equal(EventsOf(gone, "system"), first.Deleted.System);
        Assert.Equal(ItemsOf(gone, "audit-checkpoint"), first.Deleted.AuditCheckpoints);
        Assert.Equal(ItemsOf(gone, "audit-chain"), first.Deleted.AuditChains);
        Assert.Equal(ItemsOf(gone, "session"), first.Deleted.Sessions);
        Assert.Equal(1, first.Deleted.MfaChallenges);
        Assert.Equal(1, first.Deleted.WebhookDeliveries);
        Assert.Equal(1, first.Deleted.JobRuns);
        Assert.Equal(0, first.Deleted.Other);

        // 31 days old: gone; 29 days old: kept; held: kept whole and reported, both times.
        Assert.Empty(await app.StoredEventsAsync(seeded.Customer, seeded.Day0));
        Assert.NotEmpty(await app.StoredEventsAsync(seeded.Customer, seeded.Day2));
        Assert.Equal(long.Parse(heldHead["seq"].N, System.Globalization.CultureInfo.InvariantCulture), (await app.StoredEventsAsync(seeded.Held, seeded.Day0)).Count);
        Assert.Equal(new(1, long.Parse(heldHead["seq"].N, System.Globalization.CultureInfo.InvariantCulture)), first.Held);
        Assert.Equal(first.Held, second.Held);
        Assert.Contains($"audit|AUDIT-CHAINS#{seeded.Customer}|CHECKPOINT", afterFirst.Keys);
        Assert.Contains($"main|TENANT#{seeded.Customer}|DELIVERY#d_day2", afterFirst.Keys);
        Assert.Contains(afterFirst.Values, i => i["pk"].S.StartsWith("SESSION#", StringComparison.Ordinal) && !PurgeSteps.ExpiredAt(i, ThirtyOneDaysLater));
        Assert.Equal(seeded.Day0.AddDays(1), first.AuditDays.NextRunFrom);
        Assert.Equal(DateOnly.FromDateTime(ThirtyOneDaysLater.UtcDateTime), first.ExpiryDays.NextRunFrom);

        // Two days on, day 2's records are 31 days old too.
        app.Clock.Advance(TimeSpan.FromDays(2));
        var third = await app.PurgeAsync();

        Assert.True(third.Ok, third.Problem);
        Assert.Empty(await app.StoredEventsAsync(seeded.Customer, seeded.Day2));
        Assert.NotEmpty(await app.StoredEventsAsync(seeded.Held, seeded.Day0));

        // What is left, the held chain included, is still a provably intact trail.
        var verification = await app.VerifyAuditAsync(await app.SignInAgainAsync(await app.OperatorAsync()));
        Assert.True(verification.GetProperty("intact").GetBoolean(), verification.ToString());
    }

    [Fact]
    public async Task A_purge_cancelled_half_way_deleted_nothing_early_and_the_next_run_finishes_it()
    {
        using var app = new OmakaseApp();
        app.Settings["Omakase:Purge:PageSize"] = "2";
        app.Settings["Omakase:Purge:DeleteConcurrency"] = "1";
        await SeedAsync(app);
        var before = await app.AllItemsAsync();
        var expired = before.Where(i => PurgeSteps.ExpiredAt(i.Value, ThirtyOneDaysLater)).Select(i => i.Key).ToHashSet();
        using var cancel = new CancellationTokenSource();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => app.PurgeAsync(
            deleted =>
            {
                if (deleted >= expired.Count / 2)
                {
                    cancel.Cancel();
                }
            },
            cancel.Token));
        var halfway = await app.AllItemsAsync();
        var resumed = await app.PurgeAsync();
        var after = await app.AllItemsAsync();

        Assert.All(before.Keys.Where(k => !expired.Contains(k)), key => Assert.Contains(key, halfway.Keys));
        Assert.InRange(expired.Count(halfway.ContainsKey), 1, expired.Count - (expired.Count / 2));
        Assert.True(resumed.Ok, resumed.Problem);
        Assert.Equal(KeysExcept(before, expired), RecordKeys(after));
    }

    [Fact]
    public async Task A_chain_held_past_its_expiry_is_kept_and_purged_by_the_first_run_after_its_release()
    {
        using var app = new OmakaseApp();
        var seeded = await SeedAsync(app);
        var held = await app.PurgeAsync();

        await app.ReleaseChainAsync(seeded.Held, seeded.Day0);
        var released = await app.PurgeAsync();

        Assert.Equal(1, held.Held.Chains);
        Assert.Equal(new(0, 0), released.Held);
        Assert.Equal(1, released.Deleted.AuditChains);
        Assert.Empty(await app.StoredEventsAsync(seeded.Held, seeded.Day0));
        Assert.Contains($"audit|AUDIT-CHAINS#{seeded.Held}|CHECKPOINT", (await app.AllItemsAsync()).Keys);
    }

    [Fact]
    public async Task Expired_records_are_found_even_when_dynamodb_ttl_deleted_their_chain_head_first()
    {
        using var app = new OmakaseApp();
        var tenant = await app.CreateTenantAsync();
        await app.NewUserAsync(tenant, []);
        var day0 = app.Today();
        await app.FlushAuditAsync();
        app.Clock.Advance(TimeSpan.FromDays(5));
        await app.PurgeAsync();

        app.Clock.SetUtcNow(ThirtyOneDaysLater);
        await app.DeleteChainHeadAsync(tenant, day0);
        var report = await app.PurgeAsync();

        Assert.True(report.Ok, report.Problem);
        Assert.Empty(await app.StoredEventsAsync(tenant, day0));
        Assert.DoesNotContain((await app.AllItemsAsync()).Values, i => PurgeSteps.ExpiredAt(i, ThirtyOneDaysLater));
    }

    [Fact]
    public async Task On_local_data_from_before_the_expiry_index_the_run_fails_and_says_how_to_fix_it()
    {
        using var app = new OmakaseApp();
        using var dynamo = OmakaseApp.Dynamo();
        var withoutIndex = TableSchema.CreateRequest(app.MainTable);
        withoutIndex.GlobalSecondaryIndexes.RemoveAll(i => i.IndexName == TableSchema.Index2);
        withoutIndex.AttributeDefinitions.RemoveAll(a => a.AttributeName.StartsWith("gsi2", StringComparison.Ordinal));
        await dynamo.CreateTableAsync(withoutIndex);

        var report = await app.PurgeAsync();

        Assert.False(report.Ok);
        Assert.False(report.Complete);
        Assert.StartsWith("index-missing", report.Problem, StringComparison.Ordinal);
        Assert.Contains(".local/dynamodb", report.Problem, StringComparison.Ordinal);
        Assert.Contains(app.Logs.Lines, line => line.Contains("has no index gsi2", StringComparison.Ordinal));
    }
}
