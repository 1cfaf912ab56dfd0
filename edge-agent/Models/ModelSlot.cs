namespace EdgeMlops.EdgeAgent.Models;

/// <summary>
/// The model the pipeline classifies with now. Readers take a <see cref="ModelLease"/> (one volatile read and one
/// atomic increment), so a swap never pulls a session out from under a running batch: <see cref="Publish"/> makes a
/// new generation current at once, and the previous model is disposed when its last lease ends.
/// </summary>
public sealed class ModelSlot : IDisposable
{
    private LoadedModel? _current;
    private TaskCompletionSource _published = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _generations;
    private bool _disposed;

    /// <summary>The current model; for identity and labels, not for classifying (take a lease for that).</summary>
    /// <exception cref="InvalidOperationException">No model was published yet.</exception>
    public LoadedModel Current => Volatile.Read(ref _current) ?? throw new InvalidOperationException("No model is loaded yet.");

    public bool HasModel => Volatile.Read(ref _current) is not null;

    /// <summary>The generation the next published model gets.</summary>
    public long NextGeneration() => Interlocked.Increment(ref _generations);

    /// <summary>Holds the current model until the lease is disposed.</summary>
    public ModelLease Lease()
    {
        while (true)
        {
            var model = Current;
            if (model.TryHold()) return new ModelLease(model);
            // Released between the read and the hold: a newer model has been published meanwhile.
        }
    }

    /// <summary>Makes <paramref name="model"/> current; the previous one is released once no lease holds it.</summary>
    public void Publish(LoadedModel model)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        Interlocked.Exchange(ref _current, model)?.Release();
        Interlocked.Exchange(ref _published, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
    }

    /// <summary>
    /// Waits until a model other than <paramref name="model"/> is current; false when none is published within
    /// <paramref name="timeout"/>.
    /// </summary>
    public async Task<bool> WaitForReplacementAsync(LoadedModel model, TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            while (true)
            {
                var published = Volatile.Read(ref _published).Task;
                if (!ReferenceEquals(Volatile.Read(ref _current), model)) return true;
                await published.WaitAsync(timeout, time, deadline.Token).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is TimeoutException || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return !ReferenceEquals(Volatile.Read(ref _current), model);
        }
    }

    /// <summary>Empties the slot (it may be published to again); leases still out keep the model until they end.</summary>
    public void Clear()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        Interlocked.Exchange(ref _current, null)?.Release();
    }

    /// <summary>Lets go of the current model; leases still out keep it until they end.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        Interlocked.Exchange(ref _current, null)?.Release();
    }
}

/// <summary>A hold on one <see cref="LoadedModel"/>: its session stays open until the lease is disposed.</summary>
public readonly struct ModelLease(LoadedModel model) : IDisposable
{
    public LoadedModel Model { get; } = model;

    public void Dispose() => Model?.Release();
}
