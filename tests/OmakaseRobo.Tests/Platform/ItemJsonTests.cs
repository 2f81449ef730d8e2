using System.Text.Json;
using Amazon.DynamoDBv2.Model;
using OmakaseRobo.Api.Platform.Storage;

namespace OmakaseRobo.Tests.Platform;

public sealed class ItemJsonTests
{
    [Fact]
    public void Every_attribute_type_survives_a_round_trip_through_DynamoDB_JSON()
    {
        var item = new Dictionary<string, AttributeValue>
        {
            ["s"] = Attr.S("値 \"quoted\"\nline"),
            ["n"] = new() { N = "-12.50" },
            ["b"] = new() { B = new MemoryStream([0, 1, 255]) },
            ["yes"] = Attr.Bool(true),
            ["no"] = Attr.Bool(false),
            ["nothing"] = new() { NULL = true },
            ["ss"] = Attr.StringSet(["a", "b"]),
            ["ns"] = new() { NS = ["1", "2"] },
            ["bs"] = new() { BS = [new MemoryStream([1]), new MemoryStream([2])] },
            ["emptyList"] = new() { L = [], IsLSet = true },
            ["emptyMap"] = new() { M = [], IsMSet = true },
            ["nested"] = new() { L = [Attr.S("x"), new AttributeValue { M = new() { ["deep"] = Attr.N(3) } }] },
        };

        var json = Write(item);
        var back = ItemJson.Read(JsonDocument.Parse(json).RootElement);

        Assert.Equal(json, Write(back));
        Assert.DoesNotContain('\n', json); // one item, one line
        Assert.True(back["emptyList"].IsLSet);
        Assert.True(back["emptyMap"].IsMSet);
        Assert.Equal(false, back["no"].BOOL);
        Assert.Equal([0, 1, 255], back["b"].B.ToArray());
        Assert.Equal(3, long.Parse(back["nested"].L[1].M["deep"].N, System.Globalization.CultureInfo.InvariantCulture));
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("{\"a\":\"plain\"}")]
    [InlineData("{\"a\":{}}")]
    [InlineData("{\"a\":{\"S\":\"x\",\"N\":\"1\"}}")]
    [InlineData("{\"a\":{\"X\":\"x\"}}")]
    [InlineData("{\"a\":{\"S\":1}}")]
    [InlineData("{\"a\":{\"B\":\"not base64!\"}}")]
    public void Anything_but_an_item_in_DynamoDB_JSON_is_refused(string json)
    {
        Assert.Throws<FormatException>(() => ItemJson.Read(JsonDocument.Parse(json).RootElement));
    }

    private static string Write(Dictionary<string, AttributeValue> item)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            ItemJson.Write(writer, item);
        }

        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }
}
