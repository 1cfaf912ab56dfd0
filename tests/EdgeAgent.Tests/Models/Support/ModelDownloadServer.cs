using System.Collections.Concurrent;
using System.Net;
using System.Text;
using EdgeMlops.Contracts;
using EdgeMlops.Packaging;

namespace EdgeMlops.EdgeAgent.Tests.Models.Support;

/// <summary>
/// A real HTTP server (on a free port) serving the hub's device download API the way <see cref="ModelDownloadPaths"/>
/// describes it: HTTP Basic, the manifest as stored, files by SHA-256 with <c>Range</c>. It counts requests, can cut a
/// file's connection midway once, and can serve a file's bytes altered. <see cref="HttpListener"/> rather than Kestrel:
/// the ASP.NET Core framework beside the agent's assemblies would keep the agent processes other tests start from loading.
/// </summary>
internal sealed class ModelDownloadServer : IAsyncDisposable
{
    private readonly ConcurrentDictionary<(string Name, string Version), string> _packages = new();
    private readonly ConcurrentDictionary<string, long> _cutOnce = new();
    private readonly ConcurrentDictionary<string, byte> _tampered = new();
    private readonly ConcurrentQueue<string> _requests = new();
    private readonly string _authorization;
    private HttpListener? _listener;
    private Task _serving = Task.CompletedTask;

    public ModelDownloadServer(string deviceId, string secret)
    {
        _authorization = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{deviceId}:{secret}"));
        Port = FreeTcpPort.Next();
    }

    public int Port { get; }
    public string Source => $"http://127.0.0.1:{Port}/";

    /// <summary>Every request path served (or refused), in order.</summary>
    public IReadOnlyList<string> Requests => _requests.ToList();

    public int FileRequests => Requests.Count(r => r.Contains("/files/", StringComparison.Ordinal));

    /// <summary>Serves the package in <paramref name="directory"/> under its manifest's name and version.</summary>
    public void Serve(string directory)
    {
        var manifest = ModelManifestJson.Parse(File.ReadAllBytes(Path.Combine(directory, PackageLayout.ManifestFile)));
        _packages[(manifest.Name, manifest.Version)] = directory;
    }

    /// <summary>The next download of this file stops after <paramref name="bytes"/> bytes with the connection aborted.</summary>
    public void CutOnce(string sha256, long bytes) => _cutOnce[sha256] = bytes;

    /// <summary>This file is served with its first byte flipped (what a tampered mirror would do).</summary>
    public void Tamper(string sha256) => _tampered[sha256] = 0;

    public static async Task<ModelDownloadServer> StartAsync(string deviceId, string secret)
    {
        var server = new ModelDownloadServer(deviceId, secret);
        await server.StartAsync();
        return server;
    }

    public Task StartAsync()
    {
        var listener = new HttpListener();
        listener.Prefixes.Add(Source);
        listener.Start();
        _listener = listener;
        _serving = Task.Run(() => ServeAsync(listener));
        return Task.CompletedTask;
    }

    private async Task ServeAsync(HttpListener listener)
    {
        while (listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }
            _ = Task.Run(() => HandleAsync(context));
        }
    }

    private async Task HandleAsync(HttpListenerContext context)
    {
        var response = context.Response;
        try
        {
            var path = context.Request.Url!.AbsolutePath;
            _requests.Enqueue(path);
            if (context.Request.Headers["Authorization"] != _authorization)
            {
                response.StatusCode = 401;
                response.Close();
                return;
            }
            var parts = path.Split('/', StringSplitOptions.RemoveEmptyEntries); // device v1 models {name} {version} manifest|files {sha}
            if (parts.Length < 6 || !_packages.TryGetValue((Uri.UnescapeDataString(parts[3]), Uri.UnescapeDataString(parts[4])), out var directory))
            {
                response.StatusCode = 404;
                response.Close();
                return;
            }
            var manifestPath = Path.Combine(directory, PackageLayout.ManifestFile);
            if (parts is [_, _, _, _, _, "manifest"])
            {
                await WriteAsync(response, await File.ReadAllBytesAsync(manifestPath), 0);
                return;
            }
            var sha256 = parts[^1];
            var entry = ModelManifestJson.Parse(await File.ReadAllBytesAsync(manifestPath)).Files.FirstOrDefault(f => f.Sha256 == sha256);
            if (parts[5] != "files" || entry is null)
            {
                response.StatusCode = 404;
                response.Close();
                return;
            }
            var bytes = await File.ReadAllBytesAsync(Path.Combine(directory, entry.Path));
            if (_tampered.ContainsKey(sha256)) bytes[0] ^= 0xFF;
            if (_cutOnce.TryRemove(sha256, out var cut))
            {
                response.ContentLength64 = bytes.Length;
                await response.OutputStream.WriteAsync(bytes.AsMemory(0, (int)cut));
                await response.OutputStream.FlushAsync();
                await Task.Delay(200); // let the first part reach the client before the connection goes
                response.Abort();
                return;
            }
            long from = 0;
            if (context.Request.Headers["Range"] is { } range && range.StartsWith("bytes=", StringComparison.Ordinal) && range.EndsWith('-'))
            {
                from = long.Parse(range["bytes=".Length..^1]);
                response.StatusCode = 206;
                response.AddHeader("Content-Range", $"bytes {from}-{bytes.Length - 1}/{bytes.Length}");
            }
            await WriteAsync(response, bytes, from);
        }
        catch (Exception e) when (e is HttpListenerException or IOException or ObjectDisposedException)
        {
            // The client went away; nothing to answer.
        }
    }

    private static async Task WriteAsync(HttpListenerResponse response, byte[] bytes, long from)
    {
        response.ContentLength64 = bytes.Length - from;
        await response.OutputStream.WriteAsync(bytes.AsMemory((int)from));
        response.Close();
    }

    public async Task StopAsync()
    {
        if (_listener is { } listener)
        {
            listener.Stop();
            listener.Close();
            await _serving;
        }
        _listener = null;
    }

    public async ValueTask DisposeAsync() => await StopAsync();
}
