using System.Text.Json;

namespace EdgeMlops.Sync.Tests.Support;

/// <summary>
/// The real cloud hub (<c>cloud-hub serve</c>) on free ports with its store in a test directory. Start, stop and
/// kill it as often as a test likes: the next start uses the same store and ports.
/// </summary>
internal sealed class HubProcess : IDisposable
{
    private readonly string _directory;
    private readonly string[] _brokerArguments;
    private DotnetProcess? _process;
    private int _starts;

    private HubProcess(string directory, string[] brokerArguments)
    {
        _directory = directory;
        _brokerArguments = brokerArguments;
        DatabasePath = Path.Combine(directory, "hub.db");
        HttpPort = FreeTcpPort.Next();
    }

    public string DatabasePath { get; }
    public int HttpPort { get; }

    /// <summary>Where devices connect: the embedded broker's address, or the external broker's.</summary>
    public string BrokerUrl { get; private init; } = "";

    /// <summary>A hub whose embedded broker listens on a free port.</summary>
    public static HubProcess WithEmbeddedBroker(string directory)
    {
        var port = FreeTcpPort.Next();
        return new HubProcess(directory, ["--mqtt-listen", $"127.0.0.1:{port}"]) { BrokerUrl = $"mqtt://127.0.0.1:{port}" };
    }

    /// <summary>A hub subscribed to an external broker, as its service account.</summary>
    public static HubProcess WithExternalBroker(string directory, string brokerUrl, string passwordFile) =>
        new(directory, ["--broker", brokerUrl, "--Hub:Broker:PasswordFile=" + passwordFile]) { BrokerUrl = brokerUrl };

    public string Log => _process?.Stderr ?? "";

    /// <summary>Enrolls a device in the hub's store with the operator CLI; returns its secret.</summary>
    public string Enroll(string deviceId)
    {
        using var cli = new DotnetProcess("cloud-hub device enroll", BuiltPrograms.CloudHub, _directory,
            ["device", "enroll", deviceId, "--db", DatabasePath]);
        var exit = cli.WaitForExitAsync(TimeSpan.FromSeconds(60)).GetAwaiter().GetResult();
        Assert.True(exit == 0, $"device enroll exited {exit}:\n{cli.Stderr}");
        using var json = JsonDocument.Parse(cli.Stdout);
        return json.RootElement.GetProperty("secret").GetString()!;
    }

    /// <summary>Adds an API operator with the operator CLI; returns its bearer token.</summary>
    public string AddOperator(string name, string role)
    {
        using var cli = new DotnetProcess("cloud-hub operator add", BuiltPrograms.CloudHub, _directory,
            ["operator", "add", name, "--role", role, "--db", DatabasePath]);
        var exit = cli.WaitForExitAsync(TimeSpan.FromSeconds(60)).GetAwaiter().GetResult();
        Assert.True(exit == 0, $"operator add exited {exit}:\n{cli.Stderr}");
        using var json = JsonDocument.Parse(cli.Stdout);
        return json.RootElement.GetProperty("token").GetString()!;
    }

    /// <summary>Where the HTTP API listens.</summary>
    public Uri ApiAddress => new($"http://127.0.0.1:{HttpPort}");

    public async Task StartAsync()
    {
        _process?.Dispose();
        _starts++;
        _process = new DotnetProcess($"cloud-hub (start {_starts})", BuiltPrograms.CloudHub, _directory,
            ["serve", "--db", DatabasePath, "--http", $"http://127.0.0.1:{HttpPort}", .. _brokerArguments]);
        await _process.WaitForLogAsync("Hub ready", TimeSpan.FromSeconds(60));
        // With an external broker "ready" can come before the subscription: a device publishing in between would get
        // "no matching subscribers" from mosquitto, and its records would be gone on the first start.
        if (IsExternal)
            await _process.WaitForLogAsync("subscribed to device topics", TimeSpan.FromSeconds(60));
    }

    private bool IsExternal => _brokerArguments.Contains("--broker");

    /// <summary>SIGTERM and wait: a clean stop (with the embedded broker, the broker goes too).</summary>
    public async Task StopAsync()
    {
        if (_process is null)
            return;
        _process.Terminate();
        var exit = await _process.WaitForExitAsync(TimeSpan.FromSeconds(60));
        Assert.True(exit == 0, $"the hub exited {exit} on SIGTERM:\n{_process.Stderr}");
    }

    /// <summary>SIGKILL: no chance to finish a transaction or say goodbye to clients.</summary>
    public void Kill() => _process?.KillHard();

    public void Dispose() => _process?.Dispose();
}
