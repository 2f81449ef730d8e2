using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;

namespace OmakaseRobo.Api.Platform.Problems;

/// <summary>Why a change or a look-up asked of a service did not happen; each maps to one problem, in <see cref="Outcome{T}"/>.</summary>
internal abstract record Failure
{
    private Failure()
    {
    }

    public sealed record Invalid(Dictionary<string, string[]> Errors) : Failure;

    /// <summary>Any wrong credential, unknown tenant or user, disabled user: one answer for all.</summary>
    public sealed record Unauthorized : Failure;

    public sealed record Forbidden : Failure;

    public sealed record NotFound : Failure;

    public sealed record Conflict(string Reason) : Failure;

    public sealed record LockedOut(TimeSpan RetryAfter) : Failure;

    /// <summary>An Idempotency-Key sent again with a different request (422, as the IETF draft asks).</summary>
    public sealed record KeyReused : Failure;

    /// <summary>A change to a credential needs a fresh authentication the session no longer is.</summary>
    public sealed record ReauthenticationRequired : Failure;

    public static Failure InvalidField(string field, string code) => new Invalid(new() { [field] = [code] });
}

/// <summary>Nothing to answer but that it happened (a 204).</summary>
internal sealed record Completed
{
    public static readonly Completed Value = new();

    private Completed()
    {
    }
}

/// <summary>
/// How a service call ended, as a value: the <typeparamref name="T"/> it produced, or a <see cref="Failure"/>. Services
/// return either one (implicit conversions); handlers map it with <see cref="Map{TOk}"/>, the one place failures
/// become problems, so a handler cannot receive a value it does not expect.
/// </summary>
internal readonly record struct Outcome<T>
{
    private Outcome(T? value, Failure? failure)
    {
        Value = value;
        Failure = failure;
    }

    public T? Value { get; }

    public Failure? Failure { get; }

    [MemberNotNullWhen(true, nameof(Value))]
    [MemberNotNullWhen(false, nameof(Failure))]
    public bool Succeeded => Failure is null;

    public static implicit operator Outcome<T>(T value) => new(value, null);

    public static implicit operator Outcome<T>(Failure failure) => new(default, failure);

    /// <summary>The success answer built by <paramref name="ok"/>, else the failure's problem.</summary>
    public Results<TOk, ValidationProblem, ProblemHttpResult> Map<[DynamicallyAccessedMembers(Members)] TOk>(Func<T, TOk> ok, HttpContext? context = null)
        where TOk : IResult
    {
        if (Succeeded)
        {
            return ok(Value);
        }

        var (validation, problem) = ProblemOf(Failure, context);
        return validation is not null ? validation : problem!;
    }

    /// <summary>As <see cref="Map{TOk}"/>, for a success that answers one of two shapes.</summary>
    public Results<TOk1, TOk2, ValidationProblem, ProblemHttpResult> Map<[DynamicallyAccessedMembers(Members)] TOk1, [DynamicallyAccessedMembers(Members)] TOk2>(
        Func<T, Results<TOk1, TOk2>> ok, HttpContext? context = null)
        where TOk1 : IResult
        where TOk2 : IResult
    {
        if (Succeeded)
        {
            return ok(Value).Result switch
            {
                TOk1 first => first,
                TOk2 second => second,
                _ => throw new InvalidOperationException("A result union held neither of its types."),
            };
        }

        var (validation, problem) = ProblemOf(Failure, context);
        return validation is not null ? validation : problem!;
    }

    private const DynamicallyAccessedMemberTypes Members = DynamicallyAccessedMemberTypes.PublicMethods | DynamicallyAccessedMemberTypes.NonPublicMethods;

    /// <summary>The one mapping of failures to problems.</summary>
    private static (ValidationProblem? Validation, ProblemHttpResult? Problem) ProblemOf(Failure failure, HttpContext? context)
    {
        switch (failure)
        {
            case Failure.Invalid invalid:
                return (Problems.Validation(invalid.Errors), null);
            case Failure.Unauthorized:
                return (null, Problems.Of("invalid-credentials"));
            case Failure.Forbidden:
                return (null, Problems.Of("forbidden"));
            case Failure.ReauthenticationRequired:
                return (null, Problems.Of("reauthentication-required"));
            case Failure.Conflict conflict:
                return (null, Problems.Of("conflict", conflict.Reason));
            case Failure.KeyReused:
                return (null, Problems.Of("idempotency-key-reused"));
            case Failure.LockedOut locked:
                if (context is not null)
                {
                    context.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(locked.RetryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
                }

                return (null, Problems.Of("locked-out"));
            default:
                return (null, Problems.Of("not-found"));
        }
    }
}
