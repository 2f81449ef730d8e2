using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using OmakaseRobo.Api.Platform.Auditing;
using OmakaseRobo.Api.Platform.Hosting;
using OmakaseRobo.Api.Platform.Storage;
using OmakaseRobo.Api.Platform.Text;

namespace OmakaseRobo.Api.Features.Incidents;

/// <summary>A notice as stored for one tenant.</summary>
internal sealed record NoticeRecord(string NoticeId, string TenantId, string IncidentId, string Kind, string Message, DateTimeOffset CreatedAt);

/// <summary>
/// Incidents (pk INCIDENT#id, listed for operators through gsi1 INCIDENTS), a link item per concerned tenant
/// (TENANT#id / INCIDENT#id) so customers list theirs without a scan, and notices per tenant
/// (TENANT#id / NOTICE#time#id). Every change that spans items is one transaction.
/// </summary>
internal sealed class IncidentStore(IAmazonDynamoDB dynamo, BatchReader reader, OmakaseOptions options, Runtime runtime)
{
    public const int MaxAffectedTenants = 20;
    private const string ListPartition = "INCIDENTS";

    private string Table => options.Tables.Main;

    private static Dictionary<string, AttributeValue> Key(string incidentId) => MainItems.Incident.Key(incidentId);

    private static Dictionary<string, AttributeValue> LinkKey(string tenantId, string incidentId) =>
        MainItems.IncidentLink.Key(tenantId, incidentId);

    /// <summary>
    /// The incident, its record and a link per concerned tenant. In DynamoDB (100 items) they always fit one transaction
    /// (at most 22 items). DynamoDB Local takes 10, so there the links that do not fit are written first, and the incident
    /// with its record and the other links last, in one transaction: the incident exists only with all its links. A
    /// fault between leaves links to an incident that does not exist, which every read skips; a retry creates it whole.
    /// False when an incident with this id exists already (one named by an Idempotency-Key): nothing more was written.
    /// </summary>
    public async Task<bool> CreateAsync(IncidentRecord incident, PendingAudit record, CancellationToken cancellationToken)
    {
        var links = Concerned(incident).Select(tenant =>
        {
            var link = LinkKey(tenant, incident.IncidentId);
            link[TableSchema.Type] = Attr.S(MainItems.IncidentLink.Type);
            link["incidentId"] = Attr.S(incident.IncidentId);
            return new TransactWriteItem { Put = new Put { TableName = Table, Item = link } };
        }).ToList();
        var fit = TransactionLimits.MaxItems(runtime) - 2; // beside the incident and its record
        foreach (var ahead in links.Skip(fit).Chunk(TransactionLimits.MaxItems(runtime)))
        {
            await dynamo.TransactWriteItemsAsync(new TransactWriteItemsRequest { TransactItems = [.. ahead] }, cancellationToken).ConfigureAwait(false);
        }

        TransactWriteItem[] last =
        [
            new() { Put = new Put { TableName = Table, Item = ToItem(incident), ConditionExpression = "attribute_not_exists(pk)" } },
            .. links.Take(fit),
        ];
        try
        {
            await dynamo.CommitAsync(last, record, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (TransactionCanceledException e) when (e.FailedCondition(0))
        {
            return false;
        }
    }

    public async Task<IncidentRecord?> GetAsync(string incidentId, CancellationToken cancellationToken)
    {
        if (!Ids.IsWellFormed(incidentId))
        {
            return null;
        }

        var response = await dynamo.GetItemAsync(new GetItemRequest { TableName = Table, Key = Key(incidentId), ConsistentRead = true }, cancellationToken).ConfigureAwait(false);
        return response.IsItemSet ? FromItem(response.Item) : null;
    }

    public async Task<List<IncidentRecord>> ListAllAsync(CancellationToken cancellationToken)
    {
        var items = await dynamo.QueryAllAsync(new QueryRequest
        {
            TableName = Table,
            IndexName = TableSchema.Index1,
            KeyConditionExpression = "gsi1pk = :all",
            ExpressionAttributeValues = new() { [":all"] = Attr.S(ListPartition) },
            ScanIndexForward = false,
        }, cancellationToken).ConfigureAwait(false);
        return [.. items.Select(FromItem)];
    }

    public async Task<List<IncidentRecord>> ListForTenantAsync(string tenantId, CancellationToken cancellationToken)
    {
        var links = await dynamo.QueryAllAsync(new QueryRequest
        {
            TableName = Table,
            KeyConditionExpression = "pk = :pk AND begins_with(sk, :incident)",
            ExpressionAttributeValues = new() { [":pk"] = Attr.S(MainItems.Tenant.Partition(tenantId)), [":incident"] = Attr.S(MainItems.IncidentLink.SortPrefix) },
        }, cancellationToken).ConfigureAwait(false);
        var incidents = await reader.ReadAsync(Table, links.Select(l => Key(l.RequireS("incidentId"))), projection: null, names: null, cancellationToken).ConfigureAwait(false);
        return [.. incidents.Select(FromItem).OrderByDescending(i => i.CreatedAt)];
    }

    /// <summary>Moves an incident from the phase it is in, with its audit record; false when another change got there first.</summary>
    public async Task<bool> TransitionAsync(IncidentRecord incident, IncidentTransition transition, string? dismissReason, PendingAudit record, CancellationToken cancellationToken)
    {
        var values = new Dictionary<string, AttributeValue>
        {
            [":to"] = Attr.S(transition.To),
            [":from"] = Attr.S(transition.From),
            [":at"] = Attr.Time(transition.At),
            [":transition"] = new() { L = [TransitionItem(transition)], IsLSet = true },
        };
        var expression = "SET #status = :to, phaseTimes.#to = :at, transitions = list_append(transitions, :transition)";
        if (transition.To == IncidentPhase.Detection)
        {
            expression += ", detectedAt = :at";
        }

        if (dismissReason is not null)
        {
            expression += ", dismissReason = :reason";
            values[":reason"] = Attr.S(dismissReason);
        }

        return await dynamo.TryCommitAsync(new TransactWriteItem
        {
            Update = new Update
            {
                TableName = Table,
                Key = Key(incident.IncidentId),
                UpdateExpression = expression,
                ConditionExpression = "#status = :from",
                ExpressionAttributeNames = new() { ["#status"] = "status", ["#to"] = transition.To },
                ExpressionAttributeValues = values,
            },
        }, record, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Records a notice on the incident: its kind, and the notice as the latest (what a retried call is recognised by).
    /// The first item of the notice's transaction, whose condition is the state the rules were checked against (so two
    /// initial notices cannot both pass).
    /// </summary>
    public TransactWriteItem NoticeKindWrite(IncidentRecord incident, string kind, string message, DateTimeOffset now)
    {
        var values = new Dictionary<string, AttributeValue>
        {
            [":kind"] = new() { L = [Attr.S(kind)], IsLSet = true },
            [":count"] = Attr.N(incident.NoticeKinds.Count),
            [":status"] = Attr.S(incident.Status),
            [":latest"] = new()
            {
                IsMSet = true,
                M = new()
                {
                    ["kind"] = Attr.S(kind),
                    ["messageSha256"] = Attr.S(TextDigest.Sha256Hex(message)),
                    ["at"] = Attr.Time(now),
                    ["sequence"] = Attr.N(incident.NoticeKinds.Count),
                },
            },
        };
        var expression = "SET noticeKinds = list_append(noticeKinds, :kind), latestNotice = :latest";
        if (kind == "initial")
        {
            expression += ", initialNoticeAt = :now";
            values[":now"] = Attr.Time(now);
        }

        return new TransactWriteItem
        {
            Update = new Update
            {
                TableName = Table,
                Key = Key(incident.IncidentId),
                UpdateExpression = expression,
                ConditionExpression = "size(noticeKinds) = :count AND #status = :status",
                ExpressionAttributeNames = new() { ["#status"] = "status" },
                ExpressionAttributeValues = values,
            },
        };
    }

    /// <summary>A tenant's notice, only while it is not stored yet: a chunk written before is not written again.</summary>
    public TransactWriteItem NoticeWrite(NoticeRecord notice, int sequence) =>
        new() { Put = new Put { TableName = Table, Item = NoticeItem(notice, sequence), ConditionExpression = "attribute_not_exists(pk)" } };

    public async Task<List<NoticeRecord>> ListNoticesAsync(string tenantId, CancellationToken cancellationToken)
    {
        var items = await dynamo.QueryAllAsync(new QueryRequest
        {
            TableName = Table,
            KeyConditionExpression = "pk = :pk AND begins_with(sk, :notice)",
            ExpressionAttributeValues = new() { [":pk"] = Attr.S(MainItems.Tenant.Partition(tenantId)), [":notice"] = Attr.S(MainItems.Notice.SortPrefix) },
        }, cancellationToken).ConfigureAwait(false);
        return [.. items.Select(i => new NoticeRecord(
            i.RequireS("noticeId"), i.RequireS("tenantId"), i.RequireS("incidentId"), i.RequireS("kind"), i.RequireS("message"),
            i.GetTimeOrEpoch("createdAt")))];
    }

    private static IEnumerable<string> Concerned(IncidentRecord incident) =>
        incident.AffectedTenantIds.Append(incident.ReporterTenantId ?? string.Empty).Where(t => t.Length > 0).Distinct(StringComparer.Ordinal);

    /// <summary>Sorted by time, then by the notice's place in its incident, so a tenant reads them in the order sent.</summary>
    private static Dictionary<string, AttributeValue> NoticeItem(NoticeRecord notice, int sequence)
    {
        var item = MainItems.Notice.Key(notice.TenantId, notice.CreatedAt, notice.IncidentId, sequence);
        item[TableSchema.Type] = Attr.S(MainItems.Notice.Type);
        item["noticeId"] = Attr.S(notice.NoticeId);
        item["tenantId"] = Attr.S(notice.TenantId);
        item["incidentId"] = Attr.S(notice.IncidentId);
        item["kind"] = Attr.S(notice.Kind);
        item["message"] = Attr.S(notice.Message);
        item["createdAt"] = Attr.Time(notice.CreatedAt);
        return item;
    }

    private static AttributeValue TransitionItem(IncidentTransition t) => new()
    {
        M = new()
        {
            ["from"] = Attr.S(t.From),
            ["to"] = Attr.S(t.To),
            ["actorId"] = Attr.S(t.ActorId),
            ["at"] = Attr.Time(t.At),
            ["note"] = t.Note.Length == 0 ? new AttributeValue { NULL = true } : Attr.S(t.Note),
        },
    };

    private static Dictionary<string, AttributeValue> ToItem(IncidentRecord incident)
    {
        var item = Key(incident.IncidentId);
        item[TableSchema.Type] = Attr.S(MainItems.Incident.Type);
        item["incidentId"] = Attr.S(incident.IncidentId);
        item["title"] = Attr.S(incident.Title);
        item["description"] = Attr.S(incident.Description);
        item["severity"] = Attr.S(incident.Severity);
        item["status"] = Attr.S(incident.Status);
        item["source"] = Attr.S(incident.Source);
        item["affectedTenantIds"] = Attr.List(incident.AffectedTenantIds);
        item["phaseTimes"] = new AttributeValue { M = incident.PhaseTimes.ToDictionary(p => p.Key, p => Attr.Time(p.Value)), IsMSet = true };
        item["transitions"] = new AttributeValue { L = [.. incident.Transitions.Select(TransitionItem)], IsLSet = true };
        item["noticeKinds"] = Attr.List(incident.NoticeKinds);
        item["createdAt"] = Attr.Time(incident.CreatedAt);
        item[TableSchema.Index1PartitionKey] = Attr.S(ListPartition);
        item[TableSchema.Index1SortKey] = Attr.S($"{incident.CreatedAt.ToUnixTimeMilliseconds():D15}#{incident.IncidentId}");
        if (incident.ReporterTenantId is not null)
        {
            item["reporterTenantId"] = Attr.S(incident.ReporterTenantId);
            item["reporterUserId"] = Attr.S(incident.ReporterUserId!);
        }

        if (incident.DetectedAt is { } detected)
        {
            item["detectedAt"] = Attr.Time(detected);
        }

        if (incident.RequestFingerprint is not null)
        {
            item["requestFingerprint"] = Attr.S(incident.RequestFingerprint);
        }

        return item;
    }

    private static IncidentRecord FromItem(Dictionary<string, AttributeValue> item)
    {
        var phases = item.TryGetValue("phaseTimes", out var p) && p.M is { } m
            ? m.ToDictionary(e => e.Key, e => DateTimeOffset.FromUnixTimeMilliseconds(long.Parse(e.Value.N, System.Globalization.CultureInfo.InvariantCulture)))
            : [];
        var transitions = item.TryGetValue("transitions", out var t) && t.L is { } list
            ? list.Select(e => new IncidentTransition(
                e.M["from"].S, e.M["to"].S, e.M["actorId"].S,
                DateTimeOffset.FromUnixTimeMilliseconds(long.Parse(e.M["at"].N, System.Globalization.CultureInfo.InvariantCulture)),
                e.M["note"].S ?? string.Empty)).ToList()
            : [];
        var latest = item.TryGetValue("latestNotice", out var l) && l.M is { Count: > 0 } n
            ? new LatestNotice(n.RequireS("kind"), n.RequireS("messageSha256"), n.GetTimeOrEpoch("at"), (int)(n.GetN("sequence") ?? 0))
            : null;
        return new IncidentRecord(
            item.RequireS("incidentId"), item.RequireS("title"), item.RequireS("description"), item.RequireS("severity"),
            item.RequireS("status"), item.RequireS("source"), item.GetS("reporterTenantId"), item.GetS("reporterUserId"),
            item.GetList("affectedTenantIds"), phases, transitions, item.GetList("noticeKinds"),
            item.GetTime("createdAt") ?? default, item.GetTime("detectedAt"), item.GetTime("initialNoticeAt"), item.GetS("dismissReason"), latest, item.GetS("requestFingerprint"));
    }
}
