using EdgeMlops.CloudHub.Operators;
using EdgeMlops.CloudHub.Tests.Support;

namespace EdgeMlops.CloudHub.Tests.Operators;

public sealed class OperatorRegistryTests
{
    [Fact]
    public async Task A_token_finds_its_operator_and_role_and_only_its_hash_is_stored()
    {
        await using var hub = new InProcessHub();
        var operators = hub.Get<OperatorRegistry>();

        Assert.True(operators.TryAdd("alice", OperatorRole.Admin, out var token));

        Assert.StartsWith(OperatorTokens.Prefix, token);
        Assert.Equal(("alice", OperatorRole.Admin), operators.FindByToken(token) is { } a ? (a.Name, a.Role) : default);
        Assert.Null(operators.FindByToken(token + "x"));
        var stored = hub.Database.Read(c => c.ExecuteScalar<string>("SELECT token_hash FROM operators WHERE name = 'alice'"));
        Assert.Equal(OperatorTokens.Hash(token), stored);
        Assert.DoesNotContain(token, stored);
    }

    [Fact]
    public async Task A_revoked_token_is_refused_and_the_name_can_be_given_a_new_one()
    {
        await using var hub = new InProcessHub();
        var operators = hub.Get<OperatorRegistry>();
        operators.TryAdd("bob", OperatorRole.Viewer, out var first);

        Assert.False(operators.TryAdd("bob", OperatorRole.Admin, out _));
        Assert.True(operators.Revoke("bob"));
        Assert.Null(operators.FindByToken(first));
        Assert.False(operators.Revoke("bob"));
        Assert.NotNull(Assert.Single(operators.List()).RevokedAt);

        Assert.True(operators.TryAdd("bob", OperatorRole.Operator, out var second));
        Assert.Null(operators.FindByToken(first));
        Assert.Equal(OperatorRole.Operator, operators.FindByToken(second)?.Role);
    }

    [Theory]
    [InlineData("")]
    [InlineData("two words")]
    [InlineData("bell\a")]
    [InlineData("zero\u200bwidth")]
    public void Names_that_would_be_unreadable_in_the_audit_log_are_refused(string name) =>
        Assert.NotNull(OperatorRegistry.FindNameProblem(name));

    [Theory]
    [InlineData("viewer", OperatorRole.Viewer)]
    [InlineData("operator", OperatorRole.Operator)]
    [InlineData("admin", OperatorRole.Admin)]
    public void Roles_are_read_by_their_lowercase_names(string name, OperatorRole role)
    {
        Assert.True(OperatorRoles.TryParse(name, out var parsed));
        Assert.Equal(role, parsed);
        Assert.False(OperatorRoles.TryParse(name.ToUpperInvariant(), out _));
    }
}
