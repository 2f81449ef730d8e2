namespace OmakaseRobo.Api.Features.Auth;

/// <summary>How a sign-in step ended, as a value.</summary>
public abstract record SignInOutcome
{
    private SignInOutcome()
    {
    }

    public sealed record SessionIssued(SessionResponse Session) : SignInOutcome;

    public sealed record MfaRequired(string MfaToken) : SignInOutcome;

    /// <summary>Any wrong credential, unknown tenant or user, disabled user: one answer for all.</summary>
    public sealed record Rejected : SignInOutcome;

    public sealed record LockedOut(TimeSpan RetryAfter) : SignInOutcome;
}
