using System.Diagnostics;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace EdgeMlops.Benchmarks.Rollout;

/// <summary>A bare download figure: <paramref name="Parallel"/> clients each fetching the file <paramref name="Rounds"/> times.</summary>
public sealed record DownloadFigure(int Parallel, int Rounds, long FileBytes, double MegabytesPerSecond, double MedianSecondsPerFile);

/// <summary>
/// The limit a rollout's download is compared with: Kestrel serving one package file as a static file (Range
/// enabled, no authentication, no bookkeeping), and HttpClient loops that write it to disk and hash it (SHA-256),
/// the least a box must do with a package file. N loops at once stand in for N devices downloading at once.
/// </summary>
public sealed class DownloadLoopProbe(string file, string scratchDirectory)
{
    public async Task<IReadOnlyList<DownloadFigure>> RunAsync(IReadOnlyList<int> parallelism, int rounds, CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        await using var app = builder.Build();
        app.Urls.Add("http://127.0.0.1:0");
        // An absolute path: Results.File resolves a relative one against the web root, not the working directory.
        var path = Path.GetFullPath(file);
        app.MapGet("/file", () => Results.File(path, "application/octet-stream", enableRangeProcessing: true));
        await app.StartAsync(cancellationToken);
        // Port 0: Kestrel picks a free port and reports it here.
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        using var http = new HttpClient { BaseAddress = new Uri(address) };
        long size = new FileInfo(file).Length;

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

    private static async Task DownloadAsync(HttpClient http, string target, CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync("/file", HttpCompletionOption.ResponseHeadersRead, cancellationToken);
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
    }
}
