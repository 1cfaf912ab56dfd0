using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using EdgeMlops.Contracts;
using Microsoft.Extensions.Logging;
using MQTTnet.Adapter;
using MQTTnet.Diagnostics.Logger;
using MQTTnet.Formatter;
using MQTTnet.Implementations;
using MQTTnet.Server;

namespace EdgeMlops.CloudHub.Broker;

/// <summary>
/// The embedded broker's TCP (or TLS) listener, in place of MQTTnet's own, so that nobody can starve the hub before
/// logging in: a socket over the connection caps is closed at once (<see cref="ConnectionGate"/>); the TLS handshake
/// and the whole CONNECT must arrive within <see cref="BrokerOptions.ConnectTimeout"/>; the CONNECT may be a few KB
/// and no later packet more than the largest payload limit, checked on the fixed header before MQTTnet buffers the
/// packet (<see cref="MqttPacketSizeGuard"/>). What passes is handed to MQTTnet's server as its own listener would.
/// </summary>
public sealed class GuardedSocketListener : IMqttServerAdapter
{
    /// <summary>The largest packet after login: the largest payload limit plus room for topic and properties.</summary>
    public const int MaxPacketBytes = PayloadLimits.TelemetryBytes + 64 * 1024;

    private readonly IPEndPoint _endpoint;
    private readonly BrokerOptions _options;
    private readonly X509Certificate2? _certificate;
    private readonly ConnectionGate _gate;
    private readonly BrokerMetrics _metrics;
    private readonly ILogger _logger;
    private readonly RateLimitedLog _refusalLog;
    private readonly CancellationTokenSource _stop = new();
    private Socket? _socket;
    private MqttServerOptions? _serverOptions;
    private IMqttNetLogger _mqttLogger = MqttNetNullLogger.Instance;

    public GuardedSocketListener(IPEndPoint endpoint, BrokerOptions options, X509Certificate2? certificate, BrokerMetrics metrics, TimeProvider time, ILogger logger)
    {
        _endpoint = endpoint;
        _options = options;
        _certificate = certificate;
        _gate = new ConnectionGate(options.MaxConnections, options.MaxConnectionsPerAddress);
        _metrics = metrics;
        _logger = logger;
        _refusalLog = new RateLimitedLog(time, TimeSpan.FromSeconds(10));
    }

    public Func<IMqttChannelAdapter, Task>? ClientHandler { get; set; }

    /// <exception cref="SocketException">The address cannot be listened on.</exception>
    public Task StartAsync(MqttServerOptions options, IMqttNetLogger logger)
    {
        _serverOptions = options;
        _mqttLogger = logger;
        var socket = new Socket(_endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            if (_endpoint.AddressFamily == AddressFamily.InterNetworkV6)
                socket.DualMode = false;
            socket.Bind(_endpoint);
            socket.Listen(options.DefaultEndpointOptions.ConnectionBacklog);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
        _socket = socket;
        _ = Task.Run(AcceptLoopAsync);
        return Task.CompletedTask;
    }

    public Task StopAsync()
    {
        _stop.Cancel();
        _socket?.Dispose();
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        StopAsync();
        _stop.Dispose();
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _socket!.AcceptAsync(_stop.Token).ConfigureAwait(false);
            }
            catch (Exception) when (_stop.IsCancellationRequested)
            {
                return;
            }
            catch (SocketException ex)
            {
                _logger.LogWarning(ex, "Could not accept an MQTT connection on {Endpoint}", _endpoint);
                continue;
            }
            // Admitted here, in accept order, so the caps count exactly the sockets accepted before this one.
            var remote = (IPEndPoint)client.RemoteEndPoint!;
            var admission = _gate.TryEnter(remote.Address);
            if (admission != ConnectionRefusal.None)
            {
                Refuse(admission, remote, null);
                client.LingerState = new LingerOption(true, 0);
                client.Dispose();
                continue;
            }
            _ = Task.Run(() => ServeAsync(client, remote));
        }
    }

    private async Task ServeAsync(Socket socket, IPEndPoint remote)
    {
        try
        {
            socket.NoDelay = true;
            await ServeAdmittedAsync(socket, remote).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            _logger.LogDebug(ex, "MQTT connection from {RemoteEndpoint} ended", remote);
        }
        finally
        {
            socket.Dispose();
            _gate.Leave(remote.Address);
        }
    }

    private async Task ServeAdmittedAsync(Socket socket, IPEndPoint remote)
    {
        // Until the CONNECT is read whole the clock runs: closing the socket ends any read or handshake in progress.
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
        deadline.CancelAfter(_options.ConnectTimeout);
        var timedOut = false;
        using var closeOnDeadline = deadline.Token.Register(() =>
        {
            timedOut = !_stop.IsCancellationRequested;
            socket.Close();
        });

        Stream stream = new NetworkStream(socket, ownsSocket: true);
        if (_certificate is not null)
        {
            var tls = new SslStream(stream, leaveInnerStreamOpen: false);
            stream = tls;
            try
            {
                await tls.AuthenticateAsServerAsync(new SslServerAuthenticationOptions { ServerCertificate = _certificate }, deadline.Token).ConfigureAwait(false);
            }
            catch (Exception) when (timedOut)
            {
                Refuse(ConnectionRefusal.ConnectTimeout, remote, "no TLS handshake");
                await stream.DisposeAsync().ConfigureAwait(false);
                return;
            }
        }
        var guard = new MqttPacketSizeGuard(stream, _options.MaxConnectPacketBytes, MaxPacketBytes,
            tooLarge => Refuse(ConnectionRefusal.PacketTooLarge, remote, tooLarge.Message));
        _ = guard.ConnectRead.ContinueWith(_ => closeOnDeadline.Unregister(), TaskScheduler.Default);

        var handler = ClientHandler;
        if (handler is null)
            return;
        var channel = new MqttTcpChannel(guard, _endpoint, remote, clientCertificate: null);
        var formatter = new MqttPacketFormatterAdapter(new MqttBufferWriter(_serverOptions!.WriterBufferSize, _serverOptions.WriterBufferSizeMax));
        using var adapter = new MqttChannelAdapter(channel, formatter, _mqttLogger);
        adapter.AllowPacketFragmentation = _serverOptions.DefaultEndpointOptions.AllowPacketFragmentation;
        try
        {
            await handler(adapter).ConfigureAwait(false);
        }
        finally
        {
            if (timedOut && !guard.ConnectRead.IsCompleted)
                Refuse(ConnectionRefusal.ConnectTimeout, remote, "no whole CONNECT");
        }
    }

    private void Refuse(ConnectionRefusal refusal, IPEndPoint remote, string? detail)
    {
        _metrics.ConnectionRefused(refusal);
        if (_refusalLog.ShouldLog(refusal.ToString(), out var suppressed))
            _logger.LogWarning("Closed an MQTT connection from {RemoteEndpoint}: {Reason}{Detail}; {Suppressed} more closed for this reason since the last report",
                remote, BrokerMetrics.Label(refusal), detail is null ? "" : $" ({detail})", suppressed);
    }
}
