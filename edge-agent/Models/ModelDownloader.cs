using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using EdgeMlops.Contracts;
using EdgeMlops.Packaging;
using EdgeMlops.Resilience;

namespace EdgeMlops.EdgeAgent.Models;

/// <summary>A deployment step failed for a reason retrying cannot fix; the message is the reason reported to the hub.</summary>
public sealed class DeploymentFailedException(string reason, Exception? inner = null) : Exception(reason, inner);

/// <summary>Download progress: bytes of the files still needed so far, out of all of them.</summary>
public readonly record struct DownloadProgress(long BytesDone, long BytesTotal);

/// <summary>A downloaded manifest: its bytes exactly as the hub served them (their SHA-256 was checked) and its content.</summary>
public sealed record DownloadedManifest(byte[] Json, ModelManifest Manifest);

/// <summary>
/// Fetches a version from the hub's device download API (<see cref="ModelDownloadPaths"/>) into the content-addressed
/// cache: first the manifest, whose SHA-256 must be the one the desired state names, then only the files the cache does
/// not hold. A file lands as <c>.part</c> and continues with <c>Range</c> after an interruption; its SHA-256 is
/// checked before it joins the cache. While the hub is unreachable it retries with backoff until the caller's token ends.
/// </summary>
public sealed class ModelDownloader(HttpClient http, ModelStore store, ModelOptions options, ILogger<ModelDownloader> logger)
{
    private const int BufferSize = 81920;

    /// <summary>Number of HTTP requests sent; tests use it to see what a cache saved.</summary>
    public int RequestCount => _requests;

    private int _requests;
    private long _bytesDownloaded;

    /// <summary>File bytes received from the hub since start, resumed parts included once.</summary>
    public long BytesDownloaded => Interlocked.Read(ref _bytesDownloaded);

    /// <summary>Basic credentials of the device: its id and its MQTT secret.</summary>
    public static AuthenticationHeaderValue BasicCredentials(string deviceId, string? secret) =>
        new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{deviceId}:{secret}")));

    /// <exception cref="DeploymentFailedException">The manifest is not the one named, cannot be read, or the hub refuses.</exception>
    public async Task<DownloadedManifest> DownloadManifestAsync(Uri source, string name, string version, string manifestSha256,
        CancellationToken cancellationToken)
    {
        var url = Combine(source, ModelDownloadPaths.Manifest(name, version));
        var json = await WithRetriesAsync(url, async token =>
        {
            using var response = await SendAsync(new HttpRequestMessage(HttpMethod.Get, url), token).ConfigureAwait(false);
            return await response.Content.ReadAsByteArrayAsync(token).ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);
        var sha = ModelStore.Sha256Of(json);
        if (!string.Equals(sha, manifestSha256, StringComparison.OrdinalIgnoreCase))
            throw new DeploymentFailedException(
                $"manifest of {name} {version} from {url}: SHA-256 {sha} is not the {manifestSha256} the desired state names");
        try
        {
            var manifest = ModelManifestJson.Parse(json);
            if (manifest.Name != name || manifest.Version != version)
                throw new DeploymentFailedException(
                    $"manifest from {url} describes {manifest.Name} {manifest.Version}, not {name} {version}");
            return new DownloadedManifest(json, manifest);
        }
        catch (ModelPackageException e)
        {
            throw new DeploymentFailedException($"manifest of {name} {version} from {url} cannot be read: {e.Message}", e);
        }
    }

    /// <summary>The files of <paramref name="manifest"/> the cache does not hold yet (each content once).</summary>
    public IReadOnlyList<PackageFileEntry> Missing(ModelManifest manifest) =>
        manifest.Files.DistinctBy(f => f.Sha256, StringComparer.Ordinal).Where(f => !File.Exists(store.CachedFile(f.Sha256))).ToList();

    /// <summary>Downloads <paramref name="files"/> into the cache, resuming partial files, reporting progress after each chunk.</summary>
    /// <exception cref="DeploymentFailedException">A file's content is not what the manifest says, or the hub refuses.</exception>
    public async Task DownloadFilesAsync(Uri source, string name, string version, IReadOnlyList<PackageFileEntry> files,
        Action<DownloadProgress> progress, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(store.CacheDirectory);
        long total = files.Sum(f => f.Size);
        long done = files.Sum(f => PartialLength(f));
        var started = Stopwatch.GetTimestamp();
        long startedAt = done;
        progress(new DownloadProgress(done, total));
        foreach (var file in files)
        {
            var url = Combine(source, ModelDownloadPaths.File(name, version, file.Sha256));
            await WithRetriesAsync(url, async token =>
            {
                done -= PartialLength(file);
                done += await DownloadFileAsync(url, file, landed => progress(new DownloadProgress(done + landed, total)), token)
                    .ConfigureAwait(false);
                return true;
            }, cancellationToken).ConfigureAwait(false);
        }
        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        logger.LogInformation("Downloaded {Files} files of {Name} {Version}: {Bytes} bytes in {Seconds:0.00} s ({Rate:0.0} MB/s)",
            files.Count, name, version, total - startedAt, seconds, seconds > 0 ? (total - startedAt) / 1e6 / seconds : 0);
    }

    /// <summary>Fetches what is missing of one file into its .part, checks its hash and moves it into the cache; returns its size.</summary>
    private async Task<long> DownloadFileAsync(Uri url, PackageFileEntry file, Action<long> landed, CancellationToken cancellationToken)
    {
        var part = store.PartialFile(file.Sha256);
        long have = PartialLength(file);
        if (have < file.Size)
        {
            var request = new HttpRequestMessage(HttpMethod.Get, url);
            if (have > 0) request.Headers.Range = new RangeHeaderValue(have, null);
            using var response = await SendAsync(request, cancellationToken).ConfigureAwait(false);
            if (have > 0 && response.StatusCode != HttpStatusCode.PartialContent)
            {
                // The server sent the whole file: start over rather than append it to what is there.
                logger.LogInformation("{Url} ignored the range request; downloading {Path} again from the start", url, file.Path);
                have = 0;
            }
            else if (have > 0)
            {
                logger.LogInformation("Resuming {Path} at byte {Offset} of {Size}", file.Path, have, file.Size);
            }
            await using var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            await using var output = new FileStream(part, have > 0 ? FileMode.Append : FileMode.Create, FileAccess.Write, FileShare.None,
                BufferSize, useAsync: true);
            var buffer = new byte[BufferSize];
            int read;
            while ((read = await body.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
            {
                if (have + read > file.Size)
                {
                    output.Close();
                    File.Delete(part);
                    throw new DeploymentFailedException($"{file.Path} from {url}: more than the {file.Size} bytes the manifest lists");
                }
                await output.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                have += read;
                Interlocked.Add(ref _bytesDownloaded, read);
                landed(have);
            }
            await output.FlushAsync(cancellationToken).ConfigureAwait(false);
            output.Flush(flushToDisk: true);
        }
        if (have < file.Size)
            throw new IOException($"{file.Path} from {url}: the connection ended after {have} of {file.Size} bytes");
        var sha = ModelStore.Sha256OfFile(part);
        if (!string.Equals(sha, file.Sha256, StringComparison.OrdinalIgnoreCase))
        {
            File.Delete(part);
            throw new DeploymentFailedException($"{file.Path} from {url}: SHA-256 {sha} is not the {file.Sha256} the manifest lists");
        }
        File.Move(part, store.CachedFile(file.Sha256), overwrite: true);
        return file.Size;
    }

    private long PartialLength(PackageFileEntry file) => store.PartialLength(file.Sha256);

    private async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _requests);
        var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        if (response.IsSuccessStatusCode) return response;
        var status = (int)response.StatusCode;
        response.Dispose();
        // Server trouble may pass; a refusal (credentials, a version not in the desired state, no such file) will not.
        if (status >= 500 || response.StatusCode == HttpStatusCode.TooManyRequests)
            throw new HttpRequestException($"{request.RequestUri} answered {status}", null, response.StatusCode);
        throw new DeploymentFailedException($"{request.RequestUri} answered {status} {response.ReasonPhrase}");
    }

    /// <summary>Runs <paramref name="attempt"/> until it succeeds, retrying network trouble with backoff; refusals end it.</summary>
    private async Task<T> WithRetriesAsync<T>(Uri url, Func<CancellationToken, Task<T>> attempt, CancellationToken cancellationToken)
    {
        var backoff = new ExponentialBackoff(BackoffPolicy.Jittered(options.RetryInitialDelay, options.RetryMaxDelay, 2, 0.2));
        while (true)
        {
            try
            {
                return await attempt(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is HttpRequestException or IOException
                                      || e is OperationCanceledException && !cancellationToken.IsCancellationRequested)
            {
                var delay = backoff.Next();
                logger.LogWarning("Download from {Url} failed: {Reason}; attempt {Attempt}, retrying in {Delay:0.0} s",
                    url, e.Message, backoff.Attempts, delay.TotalSeconds);
                await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private static Uri Combine(Uri source, string path) => new(source.AbsoluteUri.TrimEnd('/') + path);
}
