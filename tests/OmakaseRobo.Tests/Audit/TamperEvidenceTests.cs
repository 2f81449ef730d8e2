using Amazon.DynamoDBv2.Model;
using OmakaseRobo.Api.Platform.Problems;
using OmakaseRobo.Tests.Infrastructure;

namespace OmakaseRobo.Tests.Audit;

public sealed class TamperEvidenceTests(OmakaseAppFixture fixture) : IClassFixture<OmakaseAppFixture>
{
    private readonly OmakaseApp app = fixture.App;

    [Fact]
    public async Task An_untouched_trail_with_checkpoints_verifies_intact()
    {
        var (tenantId, events) = await TenantWithEventsAsync();
        await app.CheckpointAuditAsync();

        var result = await VerifyTenantAsync(tenantId);

        Assert.True(result.GetProperty("intact").GetBoolean(), result.ToString());
        Assert.Equal(events.Count, result.GetProperty("checkedEvents").GetInt64());
        Assert.Equal(1, result.GetProperty("checkedCheckpoints").GetInt32());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, result.GetProperty("firstBrokenEventId").ValueKind);
    }

    [Fact]
    public async Task A_changed_field_of_a_stored_event_is_named_as_the_first_broken_event()
    {
        var (tenantId, events) = await TenantWithEventsAsync();
        using var dynamo = OmakaseApp.Dynamo();
        await dynamo.UpdateItemAsync(new UpdateItemRequest
        {
            TableName = app.AuditTable,
            Key = KeyOf(events[2]),
            UpdateExpression = "SET outcome = :o",
            ExpressionAttributeValues = new() { [":o"] = new("failure") },
        });

        var result = await VerifyTenantAsync(tenantId);

        Assert.False(result.GetProperty("intact").GetBoolean());
        Assert.Equal(events[2]["eventId"].S, result.GetProperty("firstBrokenEventId").GetString());
        Assert.Equal("event-altered", result.GetProperty("problem").GetString());
    }

    [Fact]
    public async Task An_event_deleted_in_the_middle_is_named_though_it_is_gone()
    {
        var (tenantId, events) = await TenantWithEventsAsync();
        using var dynamo = OmakaseApp.Dynamo();
        await dynamo.DeleteItemAsync(app.AuditTable, KeyOf(events[2]));

        var result = await VerifyTenantAsync(tenantId);

        Assert.False(result.GetProperty("intact").GetBoolean());
        Assert.Equal(events[2]["eventId"].S, result.GetProperty("firstBrokenEventId").GetString());
        Assert.Equal("event-missing", result.GetProperty("problem").GetString());
    }

    [Fact]
    public async Task Two_swapped_events_are_caught_at_the_first_of_them()
    {
        var (tenantId, events) = await TenantWithEventsAsync();
        using var dynamo = OmakaseApp.Dynamo();
        await dynamo.PutItemAsync(app.AuditTable, WithKeyOf(events[1], events[2]));
        await dynamo.PutItemAsync(app.AuditTable, WithKeyOf(events[2], events[1]));

        var result = await VerifyTenantAsync(tenantId);

        Assert.False(result.GetProperty("intact").GetBoolean());
        Assert.Equal(events[1]["eventId"].S, result.GetProperty("firstBrokenEventId").GetString());
    }

    [Fact]
    public async Task A_tail_cut_off_after_a_checkpoint_is_caught_even_with_the_head_rewound()
    {
        var (tenantId, events) = await TenantWithEventsAsync();
        await app.CheckpointAuditAsync();
        using var dynamo = OmakaseApp.Dynamo();
        foreach (var cut in events[^2..])
        {
            await dynamo.DeleteItemAsync(app.AuditTable, KeyOf(cut));
        }

        // A careful intruder also moves the chain's head back, so the head alone shows nothing.
        await dynamo.UpdateItemAsync(new UpdateItemRequest
        {
            TableName = app.AuditTable,
            Key = new() { ["pk"] = new($"AUDIT-CHAINS#{tenantId}"), ["sk"] = new($"DAY#{app.Today():yyyy-MM-dd}") },
            UpdateExpression = "SET seq = :s, #h = :h",
            ExpressionAttributeNames = new() { ["#h"] = "hash" },
            ExpressionAttributeValues = new() { [":s"] = events[^3]["seq"], [":h"] = events[^3]["hash"] },
        });

        var result = await VerifyTenantAsync(tenantId);

        Assert.False(result.GetProperty("intact").GetBoolean());
        Assert.Equal(events[^2]["eventId"].S, result.GetProperty("firstBrokenEventId").GetString());
        Assert.Equal("tail-missing", result.GetProperty("problem").GetString());
    }

    [Fact]
    public async Task A_rewritten_chain_does_not_match_its_signed_checkpoint()
    {
        var (tenantId, events) = await TenantWithEventsAsync();
        await app.CheckpointAuditAsync();
        using var dynamo = OmakaseApp.Dynamo();
        var checkpoint = (await dynamo.QueryAsync(new QueryRequest
        {
            TableName = app.AuditTable,
            KeyConditionExpression = "pk = :pk AND begins_with(sk, :cp)",
            ExpressionAttributeValues = new() { [":pk"] = events[0]["pk"], [":cp"] = new("CHECKPOINT#") },
        })).Items.Single();
        checkpoint["headHash"] = new(new string('a', 64)); // what a rewritten chain would end in; the signature no longer fits
        await dynamo.PutItemAsync(app.AuditTable, checkpoint);

        var result = await VerifyTenantAsync(tenantId);

        Assert.False(result.GetProperty("intact").GetBoolean());
        Assert.Equal("checkpoint-invalid", result.GetProperty("problem").GetString());
        Assert.Equal(events[0]["eventId"].S, result.GetProperty("firstBrokenEventId").GetString());
    }

    [Fact]
    public async Task A_deleted_checkpoint_leaves_the_events_after_the_one_before_it_unproven()
    {
        var (tenantId, events) = await TenantWithEventsAsync();
        await app.CheckpointAuditAsync();
        var op = await app.OperatorAsync();
        await app.Api().GetAsync($"/v1/tenants/{tenantId}/users", op.Token); // one more record in the tenant's trail
        await app.FlushAuditAsync();
        await app.CheckpointAuditAsync();
        using var dynamo = OmakaseApp.Dynamo();
        await dynamo.DeleteItemAsync(app.AuditTable, new() { ["pk"] = events[0]["pk"], ["sk"] = new("CHECKPOINT#0000000002") });

        var result = await VerifyTenantAsync(tenantId);

        Assert.False(result.GetProperty("intact").GetBoolean());
        Assert.Equal("checkpoint-missing", result.GetProperty("problem").GetString());
        Assert.Equal(NextEventId(events[^1]), result.GetProperty("firstBrokenEventId").GetString());
    }

    [Fact]
    public async Task Only_a_platform_security_role_may_run_the_verifier()
    {
        var tenantId = await app.CreateTenantAsync();
        var admin = await app.NewUserAsync(tenantId, ["admin"]);

        var response = await app.Api().GetAsync($"/v1/audit/verification?tenantId={tenantId}", admin.Token);

        Assert.Equal("urn:omakase-robo:problem:forbidden", (await Problem.ReadAsync(response, System.Net.HttpStatusCode.Forbidden)).Type);
    }

    /// <summary>A new tenant with a few operation and access records in today's chain, all stored.</summary>
    private async Task<(string TenantId, List<Dictionary<string, AttributeValue>> Events)> TenantWithEventsAsync()
    {
        var tenantId = await app.CreateTenantAsync();
        await app.CreateUserAsync(tenantId);
        await app.CreateUserAsync(tenantId);
        await app.FlushAuditAsync();
        var events = await app.StoredEventsAsync(tenantId, app.Today());
        Assert.True(events.Count >= 5, $"only {events.Count} events");
        return (tenantId, events);
    }

    private async Task<System.Text.Json.JsonElement> VerifyTenantAsync(string tenantId) =>
        await app.VerifyAuditAsync((await app.OperatorAsync()).Token, $"?tenantId={tenantId}");

    private static Dictionary<string, AttributeValue> KeyOf(Dictionary<string, AttributeValue> item) =>
        new() { ["pk"] = item["pk"], ["sk"] = item["sk"] };

    /// <summary>The content of one item under the key of another: the two trade places.</summary>
    private static Dictionary<string, AttributeValue> WithKeyOf(Dictionary<string, AttributeValue> place, Dictionary<string, AttributeValue> content) =>
        new(content) { ["pk"] = place["pk"], ["sk"] = place["sk"] };

    private static string NextEventId(Dictionary<string, AttributeValue> item)
    {
        var parts = item["eventId"].S.Split('_', 4); // ae_{day}_{position}_{tenant}
        return $"ae_{parts[1]}_{long.Parse(parts[2], System.Globalization.CultureInfo.InvariantCulture) + 1}_{parts[3]}";
    }
}
