using System.Net;
using System.Net.Sockets;
using System.Text;

namespace EdgeMlops.CloudHub.Tests.Broker;

/// <summary>A bare TCP client speaking MQTT bytes by hand, as an attacker or a foreign client would: no MQTTnet in between.</summary>
internal sealed class RawMqttSocket : IDisposable
{
    private readonly Socket _socket;

    private RawMqttSocket(Socket socket) => _socket = socket;

    /// <summary>Connects to the broker on 127.0.0.1, from <paramref name="source"/> (any 127.x address on Linux) when given.</summary>
    public static async Task<RawMqttSocket> ConnectAsync(int port, string? source = null)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        if (source is not null)
            socket.Bind(new IPEndPoint(IPAddress.Parse(source), 0));
        await socket.ConnectAsync(IPAddress.Loopback, port);
        return new RawMqttSocket(socket);
    }

    /// <summary>A CONNECT with user name and password: protocol level 5 (MQTT 5) or 4 (3.1.1).</summary>
    public static byte[] Connect(string clientId, string user, string password, byte level = 5)
    {
        var body = new List<byte>();
        body.AddRange(Utf8("MQTT"));
        body.Add(level);
        body.Add(0xC2); // user name, password, clean start
        body.AddRange([0x00, 0x3C]); // keep-alive 60 s
        if (level == 5)
            body.Add(0x00); // no properties
        body.AddRange(Utf8(clientId));
        body.AddRange(Utf8(user));
        body.AddRange(Utf8(password));
        return [0x10, .. RemainingLength(body.Count), .. body];
    }

    public static byte[] RemainingLength(int length)
    {
        var bytes = new List<byte>();
        do
        {
            var b = (byte)(length % 128);
            length /= 128;
            bytes.Add(length > 0 ? (byte)(b | 0x80) : b);
        }
        while (length > 0);
        return [.. bytes];
    }

    public Task SendAsync(byte[] bytes) => _socket.SendAsync(bytes.AsMemory(), SocketFlags.None).AsTask();

    /// <summary>Sends <paramref name="total"/> bytes of junk in chunks until done or the broker cut the connection; the bytes it took.</summary>
    public async Task<long> StreamJunkAsync(long total)
    {
        var chunk = new byte[64 * 1024];
        long sent = 0;
        try
        {
            while (sent < total)
                sent += await _socket.SendAsync(chunk.AsMemory(), SocketFlags.None).AsTask().WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch (Exception ex) when (ex is SocketException or TimeoutException)
        {
        }
        return sent;
    }

    /// <summary>The first bytes the broker sends, or empty when it closed the connection within <paramref name="timeout"/>; null when it did neither.</summary>
    public async Task<byte[]?> ReceiveAsync(TimeSpan timeout)
    {
        var buffer = new byte[256];
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            var read = await _socket.ReceiveAsync(buffer, SocketFlags.None, cts.Token);
            return buffer[..read];
        }
        catch (OperationCanceledException)
        {
            return null;
        }
        catch (SocketException)
        {
            return []; // reset: closed
        }
    }

    /// <summary>Whether the broker closed the connection within <paramref name="timeout"/>.</summary>
    public async Task<bool> IsClosedWithinAsync(TimeSpan timeout) => await ReceiveAsync(timeout) is { Length: 0 };

    public void Dispose() => _socket.Dispose();

    private static byte[] Utf8(string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        return [(byte)(bytes.Length >> 8), (byte)bytes.Length, .. bytes];
    }
}
