using System.Collections.Concurrent;
using System.Text;
using EdgeMlops.Contracts;
using EdgeMlops.Packaging;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace EdgeMlops.EdgeAgent.Tests.Models.Support;

/// <summary>
/// A real HTTP server (Kestrel on a free port) serving the hub's device download API the way
/// <see cref="ModelDownloadPaths"/> describes it: HTTP Basic, the manifest as stored, files by SHA-256 with Range.
/// It counts requests, can cut a file's connection midway once, and can serve a file's bytes altered.
/// </summary>
internal sealed class ModelDownloadServer : IAsyncDisposable
{
    private readonly ConcurrentDictionary<(string Name, string Version), string> _packages = new();
    private readonly ConcurrentDictionary<string, long> _cutOnce = new();
    private readonly ConcurrentDictionary<string, byte> _tampered = new();
    private readonly ConcurrentQueue<string> _requests = new();
    private readonly string _authorization;
    private WebApplication? _app;

    public ModelDownloadServer(string deviceId, string secret, int? port = null)
    {
        _authorization = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{deviceId}:{secret}"));
        Port = port ?? FreeTcpPort.Next();
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

    public async Task StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{Port}");
        var app = builder.Build();
        app.Use(async (context, next) =>
        {
            _requests.Enqueue(context.Request.Path.Value ?? "");
            if (context.Request.Headers.Authorization.ToString() != _authorization)
            {
                context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                return;
            }
            await next(context);
        });
        app.MapGet(ModelDownloadPaths.Prefix + "/{name}/{version}/manifest", (string name, string version) =>
            _packages.TryGetValue((name, version), out var directory)
                ? Results.File(Path.Combine(directory, PackageLayout.ManifestFile), "application/json")
                : Results.NotFound());
        app.MapGet(ModelDownloadPaths.Prefix + "/{name}/{version}/files/{sha256}", async (HttpContext context, string name, string version, string sha256) =>
        {
            if (!_packages.TryGetValue((name, version), out var directory)) return Results.NotFound();
            var manifest = ModelManifestJson.Parse(await File.ReadAllBytesAsync(Path.Combine(directory, PackageLayout.ManifestFile)));
            var entry = manifest.Files.FirstOrDefault(f => f.Sha256 == sha256);
            if (entry is null) return Results.NotFound();
            var path = Path.Combine(directory, entry.Path);
            if (_tampered.ContainsKey(sha256))
            {
                var bytes = await File.ReadAllBytesAsync(path);
                bytes[0] ^= 0xFF;
                return Results.Bytes(bytes, "application/octet-stream");
            }
            if (_cutOnce.TryRemove(sha256, out var cut))
            {
                var bytes = await File.ReadAllBytesAsync(path);
                context.Response.ContentLength = bytes.Length;
                await context.Response.Body.WriteAsync(bytes.AsMemory(0, (int)cut));
                await context.Response.Body.FlushAsync();
                await Task.Delay(200); // let the first half reach the client before the connection goes
                context.Abort();
                return Results.Empty;
            }
            return Results.File(path, "application/octet-stream", enableRangeProcessing: true);
        });
        await app.StartAsync();
        _app = app;
    }

    public async Task StopAsync()
    {
        if (_app is { } app)
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
        _app = null;
    }

    public async ValueTask DisposeAsync() => await StopAsync();
}
