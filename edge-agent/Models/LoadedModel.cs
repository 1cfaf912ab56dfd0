using EdgeMlops.Inference.Runtime;
using EdgeMlops.Packaging;

namespace EdgeMlops.EdgeAgent.Models;

/// <summary>
/// A verified package with its open classifier session, immutable once loaded. Frames are stamped with the model that
/// classified them, so every later stage reads labels, name and version from the frame rather than from start-up.
/// Held by the <see cref="ModelSlot"/> and by every batch classifying with it; the session is disposed (and the
/// folder a .zip was extracted to deleted) when the last of them lets go.
/// </summary>
public sealed class LoadedModel
{
    private readonly string? _extractedTo;
    private int _holders = 1; // the slot's

    /// <param name="extractedTo">The temporary folder the package was extracted to, deleted with the model; null for a package directory.</param>
    /// <param name="sourcePath">The package folder or .zip it was loaded from; the verified folder when null.</param>
    public LoadedModel(VerifiedModelPackage package, ClassifierSession session, long generation, string? extractedTo = null,
        string? sourcePath = null)
    {
        SourcePath = sourcePath ?? package.Directory;
        Package = package;
        Session = session;
        Generation = generation;
        _extractedTo = extractedTo;
    }

    public VerifiedModelPackage Package { get; }

    /// <summary>The package folder or .zip this model was loaded from (what the current-model pointer records).</summary>
    public string SourcePath { get; }
    public ClassifierSession Session { get; }
    public ClassifierSignature Signature => Session.Signature;

    /// <summary>The model's labels, in the order of its probabilities.</summary>
    public IReadOnlyList<string> Labels => Session.Signature.Labels;

    public string Name => Package.Manifest.Name;
    public string Version => Package.Manifest.Version;

    /// <summary>Latency and errors of this model while it serves (what probation watches).</summary>
    public ModelHealth Health { get; } = new();

    /// <summary>Increases with every model the slot publishes; tells two loads of one package apart.</summary>
    public long Generation { get; }

    /// <summary>True once every holder let go and the session is disposed.</summary>
    public bool IsReleased => Volatile.Read(ref _holders) == 0;

    /// <summary>Takes a hold, unless the model was already released; the caller must <see cref="Release"/> it.</summary>
    internal bool TryHold()
    {
        int holders = Volatile.Read(ref _holders);
        while (holders > 0)
        {
            int seen = Interlocked.CompareExchange(ref _holders, holders + 1, holders);
            if (seen == holders) return true;
            holders = seen;
        }
        return false;
    }

    internal void Release()
    {
        int holders = Interlocked.Decrement(ref _holders);
        if (holders > 0) return;
        if (holders < 0) throw new InvalidOperationException($"Model {Name} {Version} (generation {Generation}) was released more often than held.");
        Session.Dispose();
        DeleteExtraction(_extractedTo);
    }

    internal static void DeleteExtraction(string? folder)
    {
        if (folder is null) return;
        try
        {
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
            // A temp folder left behind is not worth failing a swap or a shutdown for.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
