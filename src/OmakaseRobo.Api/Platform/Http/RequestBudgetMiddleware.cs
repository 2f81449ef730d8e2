using System.Diagnostics;
using OmakaseRobo.Api.Platform.Hosting;

namespace OmakaseRobo.Api.Platform.Http;

/// <summary>
/// A request's time budget: whether it is spent (so a cancellation is a 503, not a client that went away), what is
/// left of it, and the client's own token, handed back once the answer is chosen.
/// </summary>
internal sealed class RequestBudget
{
    private readonly TimeSpan length;
    private readonly CancellationToken clientAborted;
    private readonly CancellationToken spent;
    private readonly long startedAt = Stopwatch.GetTimestamp(); // the wall clock, like the budget's own timer

    public RequestBudget(TimeSpan length, CancellationToken clientAborted, CancellationToken spent)
    {
        this.length = length;
        this.clientAborted = clientAborted;
        this.spent = spent;
    }

    public bool Spent => spent.IsCancellationRequested && !clientAborted.IsCancellationRequested;

    public static bool IsSpent(HttpContext context) => context?.Features.Get<RequestBudget>()?.Spent == true;

    /// <summary>
    /// How long a step on the way out (the access record) may wait: its own <paramref name="limit"/>, but no longer than
    /// what is left of the request's budget; the limit alone where no budget applies (the jobs' path).
    /// </summary>
    public static TimeSpan Within(HttpContext context, TimeSpan limit)
    {
        if (context.Features.Get<RequestBudget>() is not { } budget)
        {
            return limit;
        }

        var left = budget.length - Stopwatch.GetElapsedTime(budget.startedAt);
        return left <= TimeSpan.Zero ? TimeSpan.Zero : left < limit ? left : limit;
    }

    /// <summary>
    /// The answer is chosen: the request's token is the client's again. The budget bounds the work, never the writing
    /// of the answer: a write cancelled once its headers are out cannot become a 503, Kestrel resets the connection.
    /// Called by whatever answers after spending the budget: the endpoints' filter and the access middleware's refusals.
    /// </summary>
    public static void Answer(HttpContext context)
    {
        if (context.Features.Get<RequestBudget>() is { } budget)
        {
            context.RequestAborted = budget.clientAborted;
        }
    }
}

/// <summary>
/// Gives each request one time budget: the request's cancellation token (what handlers pass to storage) ends after
/// <see cref="DependencyOptions.RequestBudget"/>, so several slow calls in a row still answer 503 before API Gateway
/// gives up. Once a handler returns, its answer is written on the client's token (<see cref="RequestBudget.Answer"/>),
/// and the access record written as it starts waits only for what is left of the budget. The jobs' /events path runs
/// for minutes and is exempt. An I/O deadline, so by the wall clock, like the SDK's own timeouts.
/// </summary>
internal sealed class RequestBudgetMiddleware(RequestDelegate next, OmakaseOptions options)
{
    public const string JobsPath = "/events";

    public async Task InvokeAsync(HttpContext context)
    {
        if (context.Request.Path.StartsWithSegments(JobsPath, StringComparison.Ordinal))
        {
            await next(context).ConfigureAwait(false);
            return;
        }

        var clientAborted = context.RequestAborted;
        using var budget = CancellationTokenSource.CreateLinkedTokenSource(clientAborted);
        budget.CancelAfter(options.Dependencies.RequestBudget);
        context.Features.Set(new RequestBudget(options.Dependencies.RequestBudget, clientAborted, budget.Token));
        context.RequestAborted = budget.Token;
        try
        {
            await next(context).ConfigureAwait(false);
        }
        finally
        {
            context.RequestAborted = clientAborted;
        }
    }
}
