namespace OmakaseRobo.Api.Platform.Hosting;

/// <summary>
/// The time budget of every dependency (docs/reliability.md says why these numbers). A request's whole storage time
/// stays under <see cref="RequestBudget"/>, well inside the functions' 15 s timeout and API Gateway's 29 s.
/// </summary>
internal sealed class DependencyOptions
{
    /// <summary>DynamoDB answers in milliseconds; 3 attempts of 2 s each plus jittered back-off: at most about 7 s.</summary>
    public DependencyBudget DynamoDb { get; set; } = new();

    /// <summary>
    /// DynamoDB Local (local runs, tests): a JVM on a shared workstation or CI box can take seconds to create a table
    /// or commit a transaction, so attempts get 10 s; the request budget still answers 503 within 10 s.
    /// </summary>
    public DependencyBudget DynamoDbLocal { get; set; } = new() { ConnectTimeout = TimeSpan.FromSeconds(2), AttemptTimeout = TimeSpan.FromSeconds(10) };

    /// <summary>KMS (data keys, checkpoint signatures): the same shape as DynamoDB.</summary>
    public DependencyBudget Kms { get; set; } = new();

    /// <summary>SSM is read once, at start-up, for the first operator password: a little more patience.</summary>
    public DependencyBudget Ssm { get; set; } = new() { ConnectTimeout = TimeSpan.FromSeconds(2), AttemptTimeout = TimeSpan.FromSeconds(5) };

    /// <summary>The most one request may spend before it answers 503 (the jobs' /events path is exempt).</summary>
    public TimeSpan RequestBudget { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long the durable write of a request's access record may take before the log line stands in for it.</summary>
    public TimeSpan AccessRecordBudget { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// The audit chain writer's own deadline on one send (a head read or an append), doubled on each send again, three
    /// sends at most: an append stuck on a dead connection is given up after it and sent again, as the same transaction
    /// with the same token, on a fresh connection, so the writes queued behind it on the chain do not wait out the SDK's
    /// attempt timeout. On the injected clock.
    /// </summary>
    public TimeSpan AuditAppendAttempt { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How many audit records whose outbox write failed (storage down) may wait in memory to be stored; beyond, a new one
    /// is dropped with a Critical log line carrying every field. About 4.3 KB each (measured: an access record with a browser's
    /// user agent), so 10 000 are about 42 MB.
    /// </summary>
    public int HeldAuditRecordLimit { get; set; } = 10_000;

    /// <summary>The Retry-After of a 503 storage-unavailable answer.</summary>
    public int RetryAfterSeconds { get; set; } = 5;
}

/// <summary>Connect and per-attempt timeouts and the number of attempts (the SDK's standard retry mode, jittered back-off).</summary>
internal sealed class DependencyBudget
{
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(1);

    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(2);

    public int MaxAttempts { get; set; } = 3;

    /// <summary>The worst time one call can take: every attempt timing out, plus the standard mode's back-off ceiling.</summary>
    public TimeSpan Worst => (AttemptTimeout * MaxAttempts) + TimeSpan.FromSeconds(Math.Min(20, 0.1 * ((1 << MaxAttempts) - 1)));
}
