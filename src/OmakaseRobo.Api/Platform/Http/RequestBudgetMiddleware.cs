using OmakaseRobo.Api.Platform.Hosting;

namespace OmakaseRobo.Api.Platform.Http;

/// <summary>Whether a request used up its time budget (so a cancellation is a 503, not a client that went away).</summary>
internal sealed class RequestBudget(CancellationToken clientAborted, CancellationToken spent)
{
    public bool Spent => spent.IsCancellationRequested && !clientAborted.IsCancellationRequested;

    public static bool IsSpent(HttpContext context) => context?.Features.Get<RequestBudget>()?.Spent == true;
}

/// <summary>
/// Gives each request one time budget: the request's cancellation token (what handlers pass to storage) ends after
/// <see cref="DependencyOptions.RequestBudget"/>, so several slow calls in a row still answer 503 before API Gateway
/// gives up. The jobs' /events path runs for minutes and is exempt. An I/O deadline, so by the wall clock, like the SDK's own timeouts.
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
        context.Features.Set(new RequestBudget(clientAborted, budget.Token));
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
