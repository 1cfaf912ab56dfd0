using System.Diagnostics;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace EdgeMlops.Benchmarks.Rollout;

/// <summary>A bare download figure: <paramref name="Parallel"/> clients each fetching the files <paramref name="Rounds"/> times.</summary>
/// <param name="FileBytes">The bytes of one fetch of all the files.</param>
/// <param name="MedianSecondsPerFile">Median time of one fetch of all the files.</param>
public sealed record DownloadFigure(int Parallel, int Rounds, long FileBytes, double MegabytesPerSecond, double MedianSecondsPerFile);

/// <summary>
/// The limit a rollout's download is compared with: Kestrel serving package files as static files (Range enabled, no
/// authentication, no bookkeeping), and HttpClient loops that fetch them one after another, write each to disk and
/// hash it (SHA-256), the least a box must do with a package file; with <paramref name="flushToDisk"/> each file is
/// also flushed to the disk before the next, as the agent's downloader does. N loops at once stand in for N devices
/// downloading at once.
/// </summary>
public sealed class DownloadLoopProbe(IReadOnlyList<string> files, string scratchDirectory, bool flushToDisk = false)
{
    public DownloadLoopProbe(string file, string scratchDirectory) : this([file], scratchDirectory)
    {
    }

    public async Task<IReadOnlyList<DownloadFigure>> RunAsync(IReadOnlyList<int> parallelism, int rounds, CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        await using var app = builder.Build();
        app.Urls.Add("http://127.0.0.1:0");
        // Absolute paths: Results.File resolves a relative one against the web root, not the working directory.
        var paths = files.Select(Path.GetFullPath).ToList();
        app.MapGet("/file/{index:int}", (int index) => index >= 0 && index < paths.Count
            ? Results.File(paths[index], "application/octet-stream", enableRangeProcessing: true)
            : Results.NotFound());
        await app.StartAsync(cancellationToken);
        // Port 0: Kestrel picks a free port and reports it here.
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        using var http = new HttpClient { BaseAddress = new Uri(address) };
        long size = files.Sum(f => new FileInfo(f).Length);

        await DownloadAsync(http, Path.Combine(scratchDirectory, "warm-up"), cancellationToken);
        var figures = new List<DownloadFigure>();
        foreach (int parallel in parallelism)
        {
            var perFile = new List<double>();
            var clock = Stopwatch.StartNew();
            await Task.WhenAll(Enumerable.Range(0, parallel).Select(client => Task.Run(async () =>
            {
                for (int round = 0; round < rounds; round++)
                {
                    var one = Stopwatch.StartNew();
                    await DownloadAsync(http, Path.Combine(scratchDirectory, $"client-{client}"), cancellationToken);
                    lock (perFile) perFile.Add(one.Elapsed.TotalSeconds);
                }
            }, cancellationToken)));
            double seconds = clock.Elapsed.TotalSeconds;
            perFile.Sort();
            figures.Add(new DownloadFigure(parallel, rounds, size, parallel * rounds * size / 1e6 / seconds, perFile[perFile.Count / 2]));
        }
        await app.StopAsync(cancellationToken);
        return figures;
    }

    private async Task DownloadAsync(HttpClient http, string target, CancellationToken cancellationToken)
    {
        for (int index = 0; index < files.Count; index++)
            await DownloadFileAsync(http, index, target, cancellationToken);
    }

    private async Task DownloadFileAsync(HttpClient http, int index, string target, CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync($"/file/{index}", HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        response.EnsureSuccessStatusCode();
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
        await using var output = new FileStream(target, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[1 << 16];
        int read;
        while ((read = await body.ReadAsync(buffer, cancellationToken)) > 0)
        {
            hash.AppendData(buffer, 0, read);
            await output.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
        }
        hash.GetHashAndReset();
        if (flushToDisk)
        {
            await output.FlushAsync(cancellationToken);
            output.Flush(flushToDisk: true);
        }
    }
}
