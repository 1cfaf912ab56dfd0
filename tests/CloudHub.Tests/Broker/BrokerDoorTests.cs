using System.Globalization;
using EdgeMlops.CloudHub.Tests.Support;

namespace EdgeMlops.CloudHub.Tests.Broker;

/// <summary>
/// The real cloud-hub process against clients that never log in: an oversized CONNECT, more sockets than the caps
/// allow, and sockets that send nothing or half a CONNECT. None of them may cost the hub memory or a place for long.
/// </summary>
public sealed class BrokerDoorTests
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Connects_announcing_256_MB_and_streaming_bytes_are_cut_off_without_the_hub_buffering_them()
    {
        using var directory = new TempDirectory();
        var mqtt = FreeTcpPort.Next();
        using var hub = await StartHubAsync(directory, mqtt);
        var before = ResidentBytes(hub.Id);

        var sockets = new List<RawMqttSocket>();
        var streamed = new List<Task<long>>();
        for (var i = 0; i < 4; i++)
        {
            var socket = await RawMqttSocket.ConnectAsync(mqtt);
            sockets.Add(socket);
            await socket.SendAsync([0x10, .. RawMqttSocket.RemainingLength(256 * 1024 * 1024 - 1)]);
            streamed.Add(socket.StreamJunkAsync(64 * 1024 * 1024));
        }
        await Task.WhenAll(streamed);
        var after = ResidentBytes(hub.Id);

        foreach (var socket in sockets)
        {
            Assert.True(await socket.IsClosedWithinAsync(TimeSpan.FromSeconds(5)), "the broker kept a connection whose CONNECT announced 256 MB");
            socket.Dispose();
        }
        // Before the guard, 4 such sockets took the hub from 318 MB to 1,179 MB in 3 s.
        Assert.True(after - before < 64L * 1024 * 1024, $"the hub grew from {before / 1048576} MB to {after / 1048576} MB");
        Assert.All(streamed, s => Assert.True(s.Result < 64L * 1024 * 1024, "the broker read all 64 MB streamed after the header"));
        Assert.False(hub.HasExited);
    }

    [Fact]
    public async Task Sockets_over_the_per_address_cap_and_over_the_total_cap_are_closed_at_once()
    {
        using var directory = new TempDirectory();
        var mqtt = FreeTcpPort.Next();
        using var hub = await StartHubAsync(directory, mqtt,
            "--Hub:Broker:MaxConnections=4", "--Hub:Broker:MaxConnectionsPerAddress=3", "--Hub:Broker:ConnectTimeout=00:01:00");

        var held = new List<RawMqttSocket>();
        for (var i = 0; i < 3; i++)
            held.Add(await RawMqttSocket.ConnectAsync(mqtt, "127.0.0.1"));
        Assert.True(await ClosedAtOnceAsync(mqtt, "127.0.0.1"), "a fourth socket from one address was kept");
        held.Add(await RawMqttSocket.ConnectAsync(mqtt, "127.0.0.2"));
        Assert.True(await ClosedAtOnceAsync(mqtt, "127.0.0.3"), "a fifth socket in all was kept");
        foreach (var socket in held)
            Assert.Null(await socket.ReceiveAsync(TimeSpan.FromMilliseconds(200))); // still open, waiting for a CONNECT

        held[0].Dispose();
        var admittedAgain = false;
        for (var deadline = DateTime.UtcNow.AddSeconds(10); !admittedAgain && DateTime.UtcNow < deadline;)
            admittedAgain = !await ClosedAtOnceAsync(mqtt, "127.0.0.1");
        Assert.True(admittedAgain, "the place of a closed socket was not given back");
        held.ForEach(s => s.Dispose());
    }

    [Fact]
    public async Task A_silent_socket_and_one_with_half_a_connect_are_closed_after_the_connect_timeout()
    {
        using var directory = new TempDirectory();
        var mqtt = FreeTcpPort.Next();
        using var hub = await StartHubAsync(directory, mqtt, "--Hub:Broker:ConnectTimeout=00:00:01");

        using var silent = await RawMqttSocket.ConnectAsync(mqtt);
        using var half = await RawMqttSocket.ConnectAsync(mqtt);
        await half.SendAsync(RawMqttSocket.Connect("dev-a", "dev-a", "secret")[..12]);

        Assert.True(await silent.IsClosedWithinAsync(TimeSpan.FromSeconds(5)), "a socket that sent nothing was kept past the CONNECT timeout");
        Assert.True(await half.IsClosedWithinAsync(TimeSpan.FromSeconds(5)), "a socket that sent half a CONNECT was kept past the CONNECT timeout");
    }

    /// <summary>Whether a new socket from <paramref name="source"/> is closed (or reset while connecting) within a few seconds.</summary>
    private static async Task<bool> ClosedAtOnceAsync(int port, string source)
    {
        try
        {
            using var socket = await RawMqttSocket.ConnectAsync(port, source);
            return await socket.IsClosedWithinAsync(TimeSpan.FromSeconds(3));
        }
        catch (System.Net.Sockets.SocketException)
        {
            return true;
        }
    }

    private static async Task<DotnetProcess> StartHubAsync(TempDirectory directory, int mqtt, params string[] settings)
    {
        var hub = HubProgram.Start(directory.Path, ["serve", "--db", "hub.db", "--mqtt-listen", $"127.0.0.1:{mqtt}", "--http", $"http://127.0.0.1:{FreeTcpPort.Next()}", .. settings]);
        try
        {
            await hub.WaitForLogAsync("Hub ready:", StartTimeout);
        }
        catch
        {
            hub.Dispose();
            throw;
        }
        return hub;
    }

    /// <summary>The process's resident memory (VmRSS) from /proc.</summary>
    private static long ResidentBytes(int pid)
    {
        var line = File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return long.Parse(line["VmRSS:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;
    }
}
