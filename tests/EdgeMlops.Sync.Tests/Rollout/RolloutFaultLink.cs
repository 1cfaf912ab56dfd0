using System.Net;
using System.Net.Sockets;

namespace EdgeMlops.Sync.Tests.Rollout;

/// <summary>
/// The network between the boxes and the hub's download API, as a real TCP relay on a free port (the hub's
/// <c>Hub:Registry:DownloadUrl</c> points the boxes at it): it passes bytes through at a limited rate, so a download
/// lasts long enough to break; <see cref="GoDown"/> cuts every open connection and answers new ones by closing them,
/// as a hub gone from the network does, until <see cref="ComeBack"/>.
/// </summary>
internal sealed class RolloutFaultLink : IDisposable
{
    private const int ChunkBytes = 8 * 1024;

    private readonly TcpListener _listener;
    private readonly int _targetPort;
    private readonly int _bytesPerSecond;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<TcpClient> _open = [];
    private volatile bool _down;
    private long _relayed;

    public RolloutFaultLink(int targetPort, int bytesPerSecond)
    {
        _targetPort = targetPort;
        _bytesPerSecond = bytesPerSecond;
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _ = AcceptLoopAsync();
    }

    public int Port { get; }

    /// <summary>The base URL boxes download from through this link.</summary>
    public string Url => $"http://127.0.0.1:{Port}";

    /// <summary>Bytes passed from the hub to the boxes so far.</summary>
    public long BytesRelayed => Interlocked.Read(ref _relayed);

    /// <summary>Cuts every open connection; new ones are closed at once until <see cref="ComeBack"/>.</summary>
    public void GoDown()
    {
        _down = true;
        lock (_open)
        {
            foreach (var client in _open)
                client.Dispose();
            _open.Clear();
        }
    }

    public void ComeBack() => _down = false;

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient box;
            try
            {
                box = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception) when (_stop.IsCancellationRequested)
            {
                return;
            }
            if (_down)
            {
                box.Dispose();
                continue;
            }
            _ = RelayAsync(box);
        }
    }

    private async Task RelayAsync(TcpClient box)
    {
        using var hub = new TcpClient();
        try
        {
            await hub.ConnectAsync(IPAddress.Loopback, _targetPort, _stop.Token);
        }
        catch (Exception)
        {
            box.Dispose(); // the hub is not there: the box sees its connection closed
            return;
        }
        lock (_open)
        {
            _open.Add(box);
            _open.Add(hub);
        }
        try
        {
            await Task.WhenAny(CopyAsync(box.GetStream(), hub.GetStream(), throttle: false),
                CopyAsync(hub.GetStream(), box.GetStream(), throttle: true));
        }
        catch (Exception)
        {
            // a cut connection: either side sees it closed
        }
        finally
        {
            lock (_open)
            {
                _open.Remove(box);
                _open.Remove(hub);
            }
            box.Dispose();
        }
    }

    private async Task CopyAsync(NetworkStream from, NetworkStream to, bool throttle)
    {
        var buffer = new byte[ChunkBytes];
        try
        {
            int read;
            while ((read = await from.ReadAsync(buffer, _stop.Token)) > 0)
            {
                await to.WriteAsync(buffer.AsMemory(0, read), _stop.Token);
                if (!throttle)
                    continue;
                Interlocked.Add(ref _relayed, read);
                await Task.Delay(TimeSpan.FromSeconds((double)read / _bytesPerSecond), _stop.Token);
            }
        }
        catch (Exception)
        {
            // closed or cut
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        GoDown();
        _stop.Dispose();
    }
}
