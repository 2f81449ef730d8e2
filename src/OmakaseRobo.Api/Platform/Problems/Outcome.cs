using System.Diagnostics.CodeAnalysis;
using Microsoft.AspNetCore.Http.HttpResults;

namespace OmakaseRobo.Api.Platform.Problems;

/// <summary>How a change asked of a service ended, as a value; the failures map to problems in one place.</summary>
public abstract record Outcome
{
    private Outcome()
    {
    }

    public sealed record Done(object? Value = null) : Outcome;

    public sealed record Invalid(Dictionary<string, string[]> Errors) : Outcome;

    public sealed record Forbidden : Outcome;

    public sealed record NotFound : Outcome;

    public sealed record Conflict(string Reason) : Outcome;

    /// <summary>The problem a failed outcome answers with, typed to fit any handler's result union.</summary>
    public static Results<TOk, ValidationProblem, ProblemHttpResult> Failure<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicMethods | DynamicallyAccessedMemberTypes.NonPublicMethods)] TOk>(Outcome outcome)
        where TOk : IResult => outcome switch
        {
            Invalid invalid => Problems.Validation(invalid.Errors),
            Forbidden => Problems.Of("forbidden"),
            Conflict conflict => Problems.Of("conflict", conflict.Reason),
            _ => Problems.Of("not-found"),
        };
}
