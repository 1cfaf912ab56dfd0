using System.Collections.Concurrent;
using EdgeMlops.Observability;

namespace EdgeMlops.CloudHub.Registry;

/// <summary>Why the device download API refused a request.</summary>
public enum DownloadRefusal
{
    /// <summary>No credential, or not a device id and its secret.</summary>
    BadCredential,

    /// <summary>The device's desired state does not name the version.</summary>
    NotDesired,

    /// <summary>The version, or the file within it, is not registered.</summary>
    Unknown,
}

/// <summary>The registry's counters on the hub's metrics endpoint: registrations by outcome and check, downloads.</summary>
public sealed class RegistryMetrics : IMetricsSource
{
    private readonly ConcurrentDictionary<string, long> _refused = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<DownloadRefusal, long> _downloadRefusals = new();
    private long _registered;
    private long _alreadyRegistered;
    private long _downloads;
    private long _downloadBytes;

    public long Registered => Interlocked.Read(ref _registered);
    public long DownloadBytes => Interlocked.Read(ref _downloadBytes);
    public long Refused(string check) => _refused.GetValueOrDefault(check);
    public long DownloadsRefused(DownloadRefusal reason) => _downloadRefusals.GetValueOrDefault(reason);

    public void VersionRegistered(bool created) => Interlocked.Increment(ref created ? ref _registered : ref _alreadyRegistered);
    public void RegistrationRefused(string check) => _refused.AddOrUpdate(check, 1, (_, n) => n + 1);
    public void DownloadRefused(DownloadRefusal reason) => _downloadRefusals.AddOrUpdate(reason, 1, (_, n) => n + 1);

    public void Downloaded(long bytes)
    {
        Interlocked.Increment(ref _downloads);
        Interlocked.Add(ref _downloadBytes, bytes);
    }

    public void WriteMetrics(PrometheusTextWriter writer)
    {
        writer.Counter("edgemlops_registry_registrations_total", "Package registrations, by outcome (registered, unchanged: the same version again, refused).")
            .Sample("edgemlops_registry_registrations_total", Registered, ("outcome", "registered"))
            .Sample("edgemlops_registry_registrations_total", Interlocked.Read(ref _alreadyRegistered), ("outcome", "unchanged"));
        foreach (var check in RegistrationChecks.All)
            writer.Sample("edgemlops_registry_registrations_total", Refused(check), ("outcome", "refused"), ("check", check));
        writer.Counter("edgemlops_registry_downloads_total", "Manifests and files served to devices.")
            .Sample("edgemlops_registry_downloads_total", Interlocked.Read(ref _downloads));
        writer.Counter("edgemlops_registry_download_bytes_total", "Bytes of manifests and files served to devices (ranges count what they covered).")
            .Sample("edgemlops_registry_download_bytes_total", DownloadBytes);
        writer.Counter("edgemlops_registry_downloads_refused_total", "Device download requests refused, by reason.");
        foreach (var reason in Enum.GetValues<DownloadRefusal>())
            writer.Sample("edgemlops_registry_downloads_refused_total", DownloadsRefused(reason), ("reason", Label(reason)));
    }

    private static string Label(DownloadRefusal reason) => reason switch
    {
        DownloadRefusal.BadCredential => "bad_credential",
        DownloadRefusal.NotDesired => "not_desired",
        _ => "unknown",
    };
}
