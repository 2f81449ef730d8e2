namespace OmakaseRobo.Tests.Infrastructure;

public static class TestUsers
{
    public const string OperatorEmail = "operator@techhub.example";
    public const string OperatorPassword = "Bootstrap-Operator-2026";
}
