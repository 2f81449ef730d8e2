using OmakaseRobo.Tests.Infrastructure;

namespace OmakaseRobo.Tests.Audit;

public sealed class RetentionTests
{
    [Fact]
    public async Task Purging_an_expired_day_leaves_the_rest_of_the_trail_intact_but_deleting_a_live_day_does_not()
    {
        using var app = new OmakaseApp();
        var op = await app.OperatorAsync();
        var tenantId = await app.CreateTenantAsync();
        var user = await app.NewUserAsync(tenantId, []);
        var firstDay = app.Today();
        await app.FlushAuditAsync();
        await app.CheckpointAuditAsync();

        app.Clock.Advance(TimeSpan.FromDays(1));
        await app.SignInAgainAsync(user); // the next day's trail, whose checkpoint links back to the first day's
        var secondDay = app.Today();
        await app.FlushAuditAsync();
        await app.CheckpointAuditAsync();

        // 30 days after the end of the first day: it has expired, the second has not.
        app.Clock.SetUtcNow(OmakaseApp.Start + TimeSpan.FromDays(31) + TimeSpan.FromHours(1));
        await app.PurgeDayAsync(firstDay);
        var token = await app.SignInAgainAsync(op);
        var afterPurge = await app.VerifyAuditAsync(token);

        await app.PurgeDayAsync(secondDay, onlyTenantId: tenantId);
        var afterDeletion = await app.VerifyAuditAsync(token);

        Assert.True(afterPurge.GetProperty("intact").GetBoolean(), afterPurge.ToString());
        Assert.True(afterPurge.GetProperty("checkedEvents").GetInt64() > 0);
        Assert.False(afterDeletion.GetProperty("intact").GetBoolean());
        Assert.Equal("chain-missing", afterDeletion.GetProperty("problem").GetString());
        Assert.Equal($"ae_{secondDay:yyyyMMdd}_1_{tenantId}", afterDeletion.GetProperty("firstBrokenEventId").GetString());
    }

    [Fact]
    public async Task Every_stored_audit_item_of_a_day_expires_thirty_days_after_that_day()
    {
        using var app = new OmakaseApp();
        var tenantId = await app.CreateTenantAsync();
        await app.FlushAuditAsync();
        await app.CheckpointAuditAsync();

        var events = await app.StoredEventsAsync(tenantId, app.Today());

        var expiry = new DateTimeOffset(app.Today().AddDays(31).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero).ToUnixTimeSeconds();
        Assert.NotEmpty(events);
        Assert.All(events, e => Assert.Equal(expiry.ToString(System.Globalization.CultureInfo.InvariantCulture), e["ttl"].N));
    }
}
