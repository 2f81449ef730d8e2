using Amazon.DynamoDBv2.Model;
using OmakaseRobo.Api.Platform.Storage;
using OmakaseRobo.Tests.Infrastructure;

namespace OmakaseRobo.Tests.Architecture;

/// <summary>Every item the app writes is of a kind its table's key catalogue lists, with the keys the catalogue gives it.</summary>
public sealed class ItemKindTests(OmakaseAppFixture fixture) : IClassFixture<OmakaseAppFixture>
{
    [Fact]
    public void The_catalogues_list_every_item_kind_of_both_tables_once()
    {
        var kinds = MainItems.Kinds.Concat(AuditItems.Kinds).ToList();
        Assert.Equal(kinds.Count, kinds.Select(k => (k.Table, k.Type)).Distinct().Count());
        Assert.All(kinds, k => Assert.False(string.IsNullOrWhiteSpace(k.Owner)));
        Assert.Contains(MainItems.Kinds, k => k.Type == MainItems.Session.Type);
        Assert.Contains(AuditItems.Kinds, k => k.Type == AuditItems.Record.Type);
    }

    [Fact]
    public async Task Every_item_stored_by_a_working_day_is_of_a_catalogued_kind()
    {
        var app = fixture.App;
        var op = await app.OperatorAsync();
        var tenantId = await app.CreateTenantAsync();
        var admin = await app.NewUserAsync(tenantId, ["admin"], enrollMfa: true);
        var api = app.Api();
        await ApiClient.ReadAsync(await api.PutAsync($"/v1/tenants/{tenantId}/roles/reader", new { permissions = new[] { "users:read" } }, admin.Token), System.Net.HttpStatusCode.OK);
        await ApiClient.ReadAsync(await api.PostAsync("/v1/incidents", new { title = "Phishing wave", description = "Reported by staff", affectedTenantIds = new[] { tenantId } }, admin.Token), System.Net.HttpStatusCode.Created);
        _ = op;

        using var dynamo = OmakaseApp.Dynamo();
        foreach (var (table, kinds) in new[] { (app.MainTable, MainItems.Kinds), (app.AuditTable, AuditItems.Kinds) })
        {
            var known = kinds.Select(k => k.Type).ToHashSet(StringComparer.Ordinal);
            var items = (await dynamo.ScanAsync(new ScanRequest { TableName = table })).Items;
            Assert.NotEmpty(items);
            var unknown = items.Where(i => !i.TryGetValue(TableSchema.Type, out var type) || !known.Contains(type.S))
                .Select(i => $"{i[TableSchema.PartitionKey].S} / {i[TableSchema.SortKey].S}")
                .ToList();
            Assert.Empty(unknown);
        }
    }
}
