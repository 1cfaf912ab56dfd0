using System.Net;
using System.Text.Json;
using EdgeMlops.CloudHub.Tests.Support;
using EdgeMlops.Contracts;
using MQTTnet;

namespace EdgeMlops.CloudHub.Tests.Hosting;

/// <summary>The real cloud-hub process: start, health, stop, configuration errors, and the device CLI against a running hub.</summary>
public sealed class HubProcessTests
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task The_hub_starts_reports_ready_and_healthy_and_stops_cleanly_on_sigterm()
    {
        using var directory = new TempDirectory();
        var (mqtt, http) = (FreeTcpPort.Next(), FreeTcpPort.Next());
        using var hub = HubProgram.Start(directory.Path, "serve", "--db", "hub.db", "--mqtt-listen", $"127.0.0.1:{mqtt}", "--http", $"http://127.0.0.1:{http}");

        await hub.WaitForLogAsync("Hub ready:", StartTimeout);
        Assert.Contains($"Hub ready: mqtt 127.0.0.1:{mqtt} (embedded), http http://127.0.0.1:{http}, store {directory.File("hub.db")}", hub.Stderr);
        using var client = new HttpClient();
        var health = await client.GetAsync($"http://127.0.0.1:{http}/healthz");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.True(FreeTcpPort.IsListening(mqtt));
        var viewer = await HubProgram.AddOperatorAsync(directory.Path, "scraper", "viewer");
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", viewer);
        var metrics = await client.GetStringAsync($"http://127.0.0.1:{http}/metrics");
        Assert.Contains("edgemlops_broker_connected_clients 0", metrics);
        Assert.Contains("edgemlops_broker_connections_refused_total{reason=\"bad_credentials\"} 0", metrics);

        hub.Terminate();
        Assert.Equal(0, await hub.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal("", hub.Stdout.Trim()); // logs go to stderr
    }

    [Fact]
    public async Task An_unreachable_external_broker_makes_healthz_answer_503_problem_details()
    {
        using var directory = new TempDirectory();
        var http = FreeTcpPort.Next();
        using var hub = HubProgram.Start(directory.Path, "--db", "hub.db", "--broker", $"mqtt://127.0.0.1:{FreeTcpPort.Next()}",
            "--http", $"http://127.0.0.1:{http}", "--Hub:Broker:StartupConnectTimeout=00:00:01");

        await hub.WaitForLogAsync("Hub ready:", StartTimeout);
        using var client = new HttpClient();
        var health = await client.GetAsync($"http://127.0.0.1:{http}/healthz");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode);
        Assert.Equal("application/problem+json", health.Content.Headers.ContentType?.MediaType);
        Assert.Contains("broker", await health.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("--broker", "ftp://x", "Hub:Broker:Url")]
    [InlineData("--mqtt-listen", "nonsense", "Hub:Broker:Listen")]
    [InlineData("--http", "not a url", "Hub:Http:Url")]
    public async Task A_bad_setting_exits_with_code_2_naming_the_key(string option, string value, string key)
    {
        using var directory = new TempDirectory();

        var (code, _, stderr) = await HubProgram.RunAsync(directory.Path, "serve", "--db", "hub.db", "--http", $"http://127.0.0.1:{FreeTcpPort.Next()}", option, value);

        Assert.Equal(2, code);
        Assert.Contains(key, stderr);
    }

    [Fact]
    public async Task A_database_from_a_newer_release_exits_with_code_2_naming_the_key_and_the_file()
    {
        using var directory = new TempDirectory();
        using (var newerRelease = new SQLite.SQLiteConnection(directory.File("hub.db")))
            newerRelease.Execute("PRAGMA user_version=1000");

        var (code, _, stderr) = await HubProgram.RunAsync(directory.Path, "serve", "--db", "hub.db", "--mqtt-listen", $"127.0.0.1:{FreeTcpPort.Next()}",
            "--http", $"http://127.0.0.1:{FreeTcpPort.Next()}");

        Assert.Equal(2, code);
        Assert.Contains("Hub:Store:Path", stderr);
        Assert.Contains(directory.File("hub.db"), stderr);
        Assert.Contains("schema version 1000", stderr);
    }

    [Fact]
    public async Task Ports_in_use_exit_with_code_2_naming_the_key()
    {
        using var directory = new TempDirectory();
        using var taken = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;

        var mqtt = await HubProgram.RunAsync(directory.Path, "--db", "hub.db", "--mqtt-listen", $"127.0.0.1:{port}", "--http", $"http://127.0.0.1:{FreeTcpPort.Next()}");
        var http = await HubProgram.RunAsync(directory.Path, "--db", "hub.db", "--mqtt-listen", $"127.0.0.1:{FreeTcpPort.Next()}", "--http", $"http://127.0.0.1:{port}");

        Assert.Equal(2, mqtt.ExitCode);
        Assert.Contains("Hub:Broker:Listen", mqtt.Stderr);
        Assert.Equal(2, http.ExitCode);
        Assert.Contains("Hub:Http:Url", http.Stderr);
    }

    [Fact]
    public async Task A_device_enrolled_with_the_cli_is_accepted_by_the_running_hub_and_refused_once_revoked()
    {
        using var directory = new TempDirectory();
        var (mqtt, http) = (FreeTcpPort.Next(), FreeTcpPort.Next());
        using var hub = HubProgram.Start(directory.Path, "--db", "hub.db", "--mqtt-listen", $"127.0.0.1:{mqtt}", "--http", $"http://127.0.0.1:{http}");
        await hub.WaitForLogAsync("Hub ready:", StartTimeout);

        var enroll = await HubProgram.RunAsync(directory.Path, "device", "enroll", "dev-7", "--db", "hub.db");
        Assert.Equal(0, enroll.ExitCode);
        var line = JsonDocument.Parse(enroll.Stdout.Trim()).RootElement;
        Assert.Equal("dev-7", line.GetProperty("deviceId").GetString());
        var secret = line.GetProperty("secret").GetString()!;

        await using (var device = await TestDevice.ConnectAsync(mqtt, "dev-7", secret))
        {
            var ack = await device.PublishAsync(Topics.Telemetry("dev-7"), DevicePayloads.Telemetry("dev-7", 1, 3));
            Assert.Equal(MqttClientPublishReasonCode.Success, ack.ReasonCode);
        }
        var list = await HubProgram.RunAsync(directory.Path, "device", "list", "--db", "hub.db");
        Assert.Contains("\"deviceId\":\"dev-7\"", list.Stdout);

        Assert.Equal(0, (await HubProgram.RunAsync(directory.Path, "device", "revoke", "dev-7", "--db", "hub.db")).ExitCode);
        var (refused, result) = await TestDevice.TryConnectAsync(mqtt, "dev-7", "dev-7", secret);
        Assert.Null(refused);
        Assert.Equal(MqttClientConnectResultCode.BadUserNameOrPassword, result);
        Assert.Equal(1, (await HubProgram.RunAsync(directory.Path, "device", "revoke", "dev-7", "--db", "hub.db")).ExitCode);
    }

    [Fact]
    public async Task Operator_commands_still_reach_the_operator_cli()
    {
        using var directory = new TempDirectory();

        var help = await HubProgram.RunAsync(directory.Path, "help");
        var unknown = await HubProgram.RunAsync(directory.Path, "no-such-command");

        Assert.Equal(0, help.ExitCode);
        Assert.Contains("device enroll", help.Stderr);
        Assert.Contains("model verify", help.Stderr);
        Assert.Equal(2, unknown.ExitCode);
    }
}
