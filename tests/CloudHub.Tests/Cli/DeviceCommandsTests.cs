using System.Text.Json;
using EdgeMlops.CloudHub.Hosting;
using EdgeMlops.CloudHub.Tests.Support;

namespace EdgeMlops.CloudHub.Tests.Cli;

/// <summary><c>device enroll</c> does not re-key an enrolled device by accident.</summary>
public sealed class DeviceCommandsTests
{
    [Fact]
    public async Task Enrolling_an_enrolled_device_again_fails_unless_rotate_is_given()
    {
        using var directory = new TempDirectory();
        var db = directory.File("hub.db");
        var first = await CliRunner.RunAsync("device", "enroll", "dev-a", "--db", db);
        Assert.Equal(0, first.ExitCode);

        var again = await CliRunner.RunAsync("device", "enroll", "dev-a", "--db", db);
        Assert.Equal(1, again.ExitCode);
        Assert.Contains("already enrolled", again.Output + again.Error);
        Assert.Contains("--rotate", again.Output + again.Error);

        var rotated = await CliRunner.RunAsync("device", "enroll", "dev-a", "--rotate", "--db", db);
        Assert.Equal(0, rotated.ExitCode);
        Assert.NotEqual(Secret(first.Output), Secret(rotated.Output));
    }

    [Theory]
    [InlineData("http://127.0.0.1:8080", true)]
    [InlineData("http://localhost:8080", true)]
    [InlineData("http://[::1]:8080", true)]
    [InlineData("http://0.0.0.0:8080", false)]
    [InlineData("http://*:8080", false)]
    [InlineData("http://192.168.1.5:8080", false)]
    [InlineData("http://hub.example.com:8080", false)]
    public void Only_loopback_http_urls_count_as_loopback(string url, bool loopback) =>
        Assert.Equal(loopback, HubHttpOptions.IsLoopback(url));

    private static string Secret(string output) =>
        JsonDocument.Parse(output.Trim()).RootElement.GetProperty("secret").GetString()!;
}
