namespace EdgeMlops.Messaging.Tests;

public sealed class BrokerPasswordTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void A_password_file_wins_and_loses_its_trailing_newline()
    {
        var file = _directory.File("secret");
        File.WriteAllText(file, "s3cret\r\n");

        Assert.Equal("s3cret", BrokerPassword.Resolve("inline", file, "Sync:PasswordFile"));
    }

    [Theory]
    [InlineData("inline", "inline")]
    [InlineData("", null)]
    [InlineData(null, null)]
    public void Without_a_file_the_inline_password_is_used(string? inline, string? expected) =>
        Assert.Equal(expected, BrokerPassword.Resolve(inline, null, "Sync:PasswordFile"));

    [Fact]
    public void An_unreadable_password_file_is_refused_naming_the_key()
    {
        var missing = _directory.File("missing");

        var failure = Assert.Throws<InvalidOperationException>(() => BrokerPassword.Resolve(null, missing, "Hub:Broker:PasswordFile"));

        Assert.StartsWith($"Hub:Broker:PasswordFile '{missing}' cannot be read", failure.Message);
    }
}
