using EdgeMlops.Contracts;
using EdgeMlops.EdgeAgent.Sync;
using EdgeMlops.Inference.Runtime;
using EdgeMlops.Packaging;
using Microsoft.Extensions.Options;

namespace EdgeMlops.EdgeAgent.Models;

/// <summary>
/// The model manager on the box, shaped like Azure IoT Edge's agent: on every new desired state it compares the
/// <c>"model"</c> property with what serves, plans the steps (download what the cache lacks, or nothing when the
/// version is on disk), executes them each under a timeout (download, verify, validate, swap) and reports every step
/// in <see cref="DeploymentStatus"/>. Any failure leaves the current model serving. After a swap the new version is
/// on probation (<see cref="ProbationWatch"/>); failing it rolls the box back on its own.
/// </summary>
public sealed class ModelManager : BackgroundService
{
    private readonly DesiredStateStore _desired;
    private readonly ModelSlot _slot;
    private readonly ModelLoader _loader;
    private readonly ModelStore _store;
    private readonly ModelDownloader _downloader;
    private readonly ModelValidation _validation;
    private readonly DeploymentStatus _status;
    private readonly ModelOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<ModelManager> _logger;
    private readonly SemaphoreSlim _changing = new(1, 1);
    private readonly ShadowMode? _shadow;
    private readonly Lock _inProgressLock = new();
    private ProbationWatch? _probation;
    private CancellationTokenSource? _inProgress;
    private bool _preempted;

    public ModelManager(DesiredStateStore desired, ModelSlot slot, ModelLoader loader, ModelStore store, ModelDownloader downloader,
        ModelValidation validation, DeploymentStatus status, IOptions<ModelOptions> options, TimeProvider time,
        ILogger<ModelManager> logger, ShadowMode? shadow = null)
    {
        _shadow = shadow;
        _desired = desired;
        _slot = slot;
        _loader = loader;
        _store = store;
        _downloader = downloader;
        _validation = validation;
        _status = status;
        _options = options.Value;
        _time = time;
        _logger = logger;
    }

    /// <summary>The desired revision handled last; tests wait for it.</summary>
    public long HandledRevision => Interlocked.Read(ref _handledRevision);

    private long _handledRevision = -1;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        long revision = -1;
        try
        {
            ResumeProbation();
            while (!stoppingToken.IsCancellationRequested)
            {
                var state = await _desired.WaitForChangeAsync(revision, stoppingToken).ConfigureAwait(false);
                revision = state.Revision;
                await HandleAsync(state, stoppingToken).ConfigureAwait(false);
                Interlocked.Exchange(ref _handledRevision, revision);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            if (_probation is { } probation) await probation.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Reconciles <paramref name="state"/> under a token of its own: a newer revision naming another model cancels it
    /// (the loop takes that revision next, instead of finishing a deployment nobody wants), and a probation rollback
    /// interrupts it (it starts over once the rollback is done). Whatever else goes wrong is logged and reported
    /// failed: the manager keeps handling later desired states.
    /// </summary>
    private async Task HandleAsync(DesiredState state, CancellationToken stoppingToken)
    {
        while (true)
        {
            using var attempt = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
            using var watching = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
            var superseded = CancelWhenSupersededAsync(state, attempt, watching.Token);
            lock (_inProgressLock)
            {
                _inProgress = attempt;
                _preempted = false;
            }
            try
            {
                await ReconcileAsync(state, attempt.Token).ConfigureAwait(false);
                return;
            }
            catch (OperationCanceledException) when (attempt.IsCancellationRequested && !stoppingToken.IsCancellationRequested)
            {
                bool preempted;
                lock (_inProgressLock) preempted = _preempted;
                if (preempted)
                {
                    _logger.LogInformation("Desired state revision {Revision} is handled again after the probation rollback that interrupted it", state.Revision);
                    continue;
                }
                _logger.LogInformation("Desired state revision {Revision} was superseded by a newer one naming another model; its deployment stopped", state.Revision);
                return;
            }
            catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                _logger.LogError(e, "Handling desired state revision {Revision} failed unexpectedly", state.Revision);
                if (DesiredModel.TryRead(state, out var desired, out _))
                    Report(desired.Name, desired.Version, ModelDeploymentState.Failed, desired.RolloutId,
                        reason: $"unexpected error: {e.GetType().Name}: {e.Message}", previous: _slot.HasModel ? _slot.Current.Version : null);
                return;
            }
            finally
            {
                lock (_inProgressLock) _inProgress = null;
                await watching.CancelAsync().ConfigureAwait(false);
                await superseded.ConfigureAwait(false);
            }
        }
    }

    private async Task CancelWhenSupersededAsync(DesiredState state, CancellationTokenSource attempt, CancellationToken cancellationToken)
    {
        var wanted = DesiredModel.TryRead(state, out var model, out _) ? model : null;
        var seen = state.Revision;
        try
        {
            while (true)
            {
                var newer = await _desired.WaitForChangeAsync(seen, cancellationToken).ConfigureAwait(false);
                seen = newer.Revision;
                // A newer revision that names the same model (a challenger or a rollout id changed) lets the deployment finish.
                if (!SameModel(wanted, DesiredModel.TryRead(newer, out var next, out _) ? next : null))
                {
                    await attempt.CancelAsync().ConfigureAwait(false);
                    return;
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    private static bool SameModel(DesiredModel? a, DesiredModel? b) =>
        a is null || b is null
            ? a is null && b is null
            : a.Name == b.Name && a.Version == b.Version && string.Equals(a.ManifestSha256, b.ManifestSha256, StringComparison.OrdinalIgnoreCase);

    /// <summary>A probation rollback goes first: the deployment in progress (a download may take many minutes) stops and starts over after it.</summary>
    private void PreemptInProgress()
    {
        lock (_inProgressLock)
        {
            if (_inProgress is not { } attempt) return;
            _preempted = true;
            attempt.Cancel();
        }
    }

    /// <summary>Compare, plan, execute, report: brings the slot to the desired model, or reports why it cannot.</summary>
    public async Task ReconcileAsync(DesiredState state, CancellationToken cancellationToken)
    {
        if (!DesiredModel.TryRead(state, out var desired, out var problem))
        {
            if (problem is not null)
            {
                _logger.LogWarning("Desired state revision {Revision} has a malformed model property: {Problem}", state.Revision, problem);
                Report(DesiredModel.PropertyName, "unknown", ModelDeploymentState.Failed, null, reason: $"desired state revision {state.Revision}: {problem}");
                return;
            }
            await ReturnToConfiguredAsync(state.Revision, cancellationToken).ConfigureAwait(false);
            return;
        }
        await _changing.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var serving = _slot.Current;
            if (_store.ReadPointer()?.RolledBackRevision == state.Revision && !IsServing(serving, desired))
            {
                _logger.LogInformation("Desired state revision {Revision} names {Name} {Version}, rolled back from before; waiting for a newer revision",
                    state.Revision, desired.Name, desired.Version);
                if (_status.Deployment is null)
                    Report(desired.Name, desired.Version, ModelDeploymentState.RolledBack, desired.RolloutId,
                        reason: "rolled back after a failed probation before the agent restarted", previous: serving.Version);
                return;
            }
            if (IsServing(serving, desired))
            {
                if (_status.Deployment is not { } last || last.Version != desired.Version || last.Name != desired.Name
                    || last.State is not (ModelDeploymentState.Active or ModelDeploymentState.RolledBack))
                    Report(desired.Name, desired.Version, ModelDeploymentState.Active, desired.RolloutId, probationUntil: ResumedProbationUntil(serving));
                return;
            }
            await DeployAsync(desired, serving, state.Revision, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            try
            {
                if (!cancellationToken.IsCancellationRequested) await ApplyChallengerAsync(desired, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                _changing.Release();
            }
        }
    }

    /// <summary>
    /// Starts, changes or stops the shadow challenger: fetched, verified and validated like a deployment, but never
    /// swapped in. A challenger that fails is logged and not run; the champion is not affected.
    /// </summary>
    private async Task ApplyChallengerAsync(DesiredModel desired, CancellationToken cancellationToken)
    {
        if (_shadow is null) return;
        if (desired.Challenger is not { } wanted)
        {
            if (_shadow.Challenger is not null) _logger.LogInformation("Shadow challenger stopped");
            _shadow.SetChallenger(null, 0);
            return;
        }
        if (_shadow.Challenger is { } running && running.Name == wanted.Name && running.Version == wanted.Version
            && string.Equals(ManifestSha256(running), wanted.ManifestSha256, StringComparison.OrdinalIgnoreCase))
        {
            _shadow.SetChallenger(running, wanted.Share);
            return;
        }
        LoadedModel? loaded = null;
        try
        {
            var folder = await FetchAsync(wanted.Name, wanted.Version, wanted.ManifestSha256, desired.Source, _slot.Current, null,
                cancellationToken).ConfigureAwait(false);
            loaded = await UnderTimeoutAsync("verify", () => Verify(folder), cancellationToken).ConfigureAwait(false);
            var model = loaded;
            await UnderTimeoutAsync("validate", () => _validation.Validate(model), cancellationToken, uses: model).ConfigureAwait(false);
            _shadow.SetChallenger(loaded, wanted.Share);
            _logger.LogInformation("Shadow challenger {Name} {Version} runs on {Share:P0} of the crops", wanted.Name, wanted.Version, wanted.Share);
            loaded = null;
        }
        catch (Exception e) when (e is DeploymentFailedException or ModelPackageException or ClassifierLoadException
                                      or IOException or UnauthorizedAccessException or InvalidDataException)
        {
            _logger.LogWarning("Shadow challenger {Name} {Version} cannot run: {Reason}", wanted.Name, wanted.Version, e.Message);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // A runtime error of the challenger's session (ONNX Runtime, CUDA) must not end the manager.
            _logger.LogError(e, "Shadow challenger {Name} {Version} cannot run: unexpected error", wanted.Name, wanted.Version);
        }
        finally
        {
            loaded?.Release();
        }
    }

    private async Task DeployAsync(DesiredModel desired, LoadedModel serving, long revision, CancellationToken cancellationToken)
    {
        var (name, version, rollout) = (desired.Name, desired.Version, desired.RolloutId);
        _logger.LogInformation("Deploying model {Name} {Version} (rollout {Rollout}); serving {ServingName} {ServingVersion}",
            name, version, rollout ?? "none", serving.Name, serving.Version);
        Report(name, version, ModelDeploymentState.Pending, rollout, previous: serving.Version);
        LoadedModel? loaded = null;
        try
        {
            var folder = _store.InstalledFolder(name, version, desired.ManifestSha256) is { } held
                ? HeldOnDisk(name, version, held)
                : await DownloadAsync(desired, serving, cancellationToken).ConfigureAwait(false);

            Report(name, version, ModelDeploymentState.Verifying, rollout, previous: serving.Version);
            loaded = await UnderTimeoutAsync("verify", () => Verify(folder), cancellationToken).ConfigureAwait(false);

            Report(name, version, ModelDeploymentState.Validating, rollout, previous: serving.Version);
            var model = loaded;
            var result = await UnderTimeoutAsync("validate", () => _validation.Validate(model), cancellationToken, uses: model).ConfigureAwait(false);
            _logger.LogInformation("Model {Name} {Version} validated: canary macro precision {Precision}, batch latency {Latency:0.0} ms",
                name, version, result.CanaryMacroPrecision?.ToString("0.####") ?? "n/a", result.BatchLatencyMs);

            var probation = desired.ProbationSeconds ?? _options.ProbationSeconds;
            var until = probation > 0 ? _time.GetUtcNow().AddSeconds(probation) : (DateTimeOffset?)null;
            Activate(loaded, serving, until, revision, rollout);
            loaded = null;
            Report(name, version, ModelDeploymentState.Active, rollout, previous: serving.Version, probationUntil: until);
            await StartProbationAsync(desired, until, revision).ConfigureAwait(false);
        }
        catch (DeploymentFailedException e)
        {
            Fail(name, version, rollout, serving, e.Message);
        }
        catch (ModelPackageException e)
        {
            Fail(name, version, rollout, serving, $"verify: {e.Message}");
        }
        catch (ClassifierLoadException e)
        {
            Fail(name, version, rollout, serving, $"load: {e.Message}");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException)
        {
            Fail(name, version, rollout, serving, $"install: {e.Message}");
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // A runtime error of the new session (ONNX Runtime, CUDA) fails this version, not the manager.
            _logger.LogError(e, "Deployment of model {Name} {Version} failed unexpectedly", name, version);
            Fail(name, version, rollout, serving, $"unexpected error: {e.GetType().Name}: {e.Message}");
        }
        finally
        {
            loaded?.Release();
        }
    }

    /// <summary>
    /// The desired state names no model (the hub reverted a rollout on a box it had named none for): the box goes
    /// back to its configured <see cref="ModelOptions.PackagePath"/>, unless it serves it already or never deployed
    /// anything. Otherwise it would keep serving a version nobody wants any more.
    /// </summary>
    private async Task ReturnToConfiguredAsync(long revision, CancellationToken cancellationToken)
    {
        await _changing.WaitAsync(cancellationToken).ConfigureAwait(false);
        LoadedModel? loaded = null;
        var serving = _slot.Current;
        try
        {
            if (_shadow?.Challenger is not null)
            {
                _logger.LogInformation("Shadow challenger stopped");
                _shadow.SetChallenger(null, 0);
            }
            if (_store.ReadPointer() is null || SamePath(serving.SourcePath, _options.PackagePath)) return;
            _logger.LogInformation("Desired state revision {Revision} names no model; going back from {Name} {Version} to the configured package {Path}",
                revision, serving.Name, serving.Version, _options.PackagePath);
            loaded = await UnderTimeoutAsync("verify", () => _loader.Load(_options.PackagePath, _options.TrustedKeysDirectory,
                _slot.NextGeneration(), _options.ExtractionDirectory), cancellationToken).ConfigureAwait(false);
            var model = loaded;
            await UnderTimeoutAsync("validate", () => _validation.Validate(model), cancellationToken, uses: model).ConfigureAwait(false);
            await StopProbationAsync().ConfigureAwait(false);
            Activate(loaded, serving, probationUntil: null, revision, rollout: null);
            loaded = null;
            Report(model.Name, model.Version, ModelDeploymentState.Active, null,
                reason: $"desired state revision {revision} names no model: back to the configured package", previous: serving.Version);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            _logger.LogError(e, "Going back to the configured package {Path} failed; {Name} {Version} keeps serving", _options.PackagePath,
                serving.Name, serving.Version);
            Report(serving.Name, serving.Version, ModelDeploymentState.Failed, null,
                reason: $"desired state revision {revision} names no model; going back to the configured package failed: {e.Message}");
        }
        finally
        {
            loaded?.Release();
            _changing.Release();
        }
    }

    private static bool SamePath(string a, string b) =>
        string.Equals(Path.TrimEndingDirectorySeparator(Path.GetFullPath(a)), Path.TrimEndingDirectorySeparator(Path.GetFullPath(b)),
            StringComparison.Ordinal);

    private async Task StopProbationAsync()
    {
        if (_probation is { } running) await running.DisposeAsync().ConfigureAwait(false);
        _probation = null;
    }

    private string HeldOnDisk(string name, string version, string folder)
    {
        _logger.LogInformation("Model {Name} {Version} is held on disk: no download", name, version);
        return folder;
    }

    private Task<string> DownloadAsync(DesiredModel desired, LoadedModel serving, CancellationToken cancellationToken)
    {
        var (name, version, rollout) = (desired.Name, desired.Version, desired.RolloutId);
        Report(name, version, ModelDeploymentState.Downloading, rollout, previous: serving.Version);
        var throttle = new ProgressThrottle(_time, TimeSpan.FromSeconds(1));
        return FetchAsync(name, version, desired.ManifestSha256, desired.Source, serving, progress =>
        {
            if (throttle.Due(progress.BytesDone == progress.BytesTotal))
                Report(name, version, ModelDeploymentState.Downloading, rollout, previous: serving.Version,
                    bytesDone: progress.BytesDone, bytesTotal: progress.BytesTotal);
        }, cancellationToken);
    }

    /// <summary>
    /// The version's folder: as held on disk when its manifest is the one named, else the manifest and the files the
    /// cache lacks are downloaded (within the disk budget and <see cref="ModelOptions.DownloadTimeout"/>) and installed.
    /// </summary>
    private async Task<string> FetchAsync(string name, string version, string manifestSha256, string sourceUrl, LoadedModel serving,
        Action<DownloadProgress>? progress, CancellationToken cancellationToken)
    {
        if (_store.InstalledFolder(name, version, manifestSha256) is { } held)
            return HeldOnDisk(name, version, held);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.DownloadTimeout);
        try
        {
            var source = new Uri(sourceUrl, UriKind.Absolute);
            var manifest = await _downloader.DownloadManifestAsync(source, name, version, manifestSha256, timeout.Token)
                .ConfigureAwait(false);
            CheckDiskBudget(manifest.Manifest, serving);
            var missing = _downloader.Missing(manifest.Manifest);
            _logger.LogInformation("Model {Name} {Version}: {Missing} of {Files} files to download ({Bytes} bytes), the rest is cached",
                name, version, missing.Count, manifest.Manifest.Files.Count, missing.Sum(f => f.Size));
            await _downloader.DownloadFilesAsync(source, name, version, missing, progress ?? (_ => { }), timeout.Token).ConfigureAwait(false);
            return _store.Install(name, version, manifest.Json, manifest.Manifest);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new DeploymentFailedException(
                $"download of {name} {version} from {sourceUrl} did not finish within {_options.DownloadTimeout} ({ModelOptions.SectionName}:DownloadTimeout)");
        }
    }

    /// <summary>
    /// Makes room (what the prune after the swap would delete goes now, and downloads abandoned for this one), then
    /// checks what the store really uses on disk plus what is still to download against the budget.
    /// </summary>
    private void CheckDiskBudget(ModelManifest manifest, LoadedModel serving)
    {
        Prune(serving, _options.KeepVersions - 1, manifest);
        var used = _store.DiskUsage();
        var toDownload = _downloader.Missing(manifest).Sum(f => f.Size - _store.PartialLength(f.Sha256));
        if (used + toDownload > _options.DiskBudgetBytes)
            throw new DeploymentFailedException(
                $"disk budget: {manifest.Name} {manifest.Version} needs {toDownload} bytes more on top of the {used} the model store uses, {used + toDownload} in all, over {ModelOptions.SectionName}:DiskBudgetBytes {_options.DiskBudgetBytes}");
    }

    private LoadedModel Verify(string folder)
    {
        try
        {
            return _loader.Load(folder, _options.TrustedKeysDirectory, _slot.NextGeneration());
        }
        catch (ModelPackageException e)
        {
            throw new DeploymentFailedException($"verify {folder}: {e.Message}", e);
        }
    }

    /// <summary>Writes the pointer, then swaps: a box killed in between starts on the new, already validated version.</summary>
    /// <param name="probationUntil">Recorded in the pointer, so a restart resumes the probation; the model is marked on
    /// probation before the swap: an error in its first batch already means "roll back", not "stop the pipeline".</param>
    private void Activate(LoadedModel model, LoadedModel serving, DateTimeOffset? probationUntil, long revision, string? rollout)
    {
        var previous = new ModelPointerEntry(serving.Name, serving.Version, serving.SourcePath);
        _store.WritePointer(new CurrentModelPointer(model.Name, model.Version, model.SourcePath, previous,
            ProbationUntil: probationUntil, Revision: revision, RolloutId: rollout));
        if (probationUntil is not null) model.Health.OnProbation = true;
        _slot.Publish(model);
        _logger.LogInformation("Model {Name} {Version} now serves (generation {Generation}); {PreviousName} {PreviousVersion} finishes its batches",
            model.Name, model.Version, model.Generation, serving.Name, serving.Version);
        Prune(model);
    }

    private void Prune(LoadedModel serving, int? keep = null, ModelManifest? downloading = null)
    {
        try
        {
            foreach (var deleted in _store.Prune(keep ?? _options.KeepVersions, Protected(serving), downloading))
                _logger.LogInformation("Deleted model version {Version} from disk ({Key} = {Keep})", deleted,
                    $"{ModelOptions.SectionName}:KeepVersions", _options.KeepVersions);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _logger.LogWarning("Could not delete old model versions: {Reason}", e.Message);
        }
    }

    /// <summary>A version that failed is deleted from disk (unless something still needs it), then the rest is pruned.</summary>
    private void Discard(string name, string version, LoadedModel serving)
    {
        try
        {
            foreach (var folder in _store.Discard(name, version, Protected(serving)))
                _logger.LogInformation("Deleted {Folder}: model {Name} {Version} failed", folder, name, version);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _logger.LogWarning("Could not delete failed model {Name} {Version}: {Reason}", name, version, e.Message);
        }
        Prune(serving);
    }

    /// <summary>The serving version, the one the pointer would roll back to and the shadow challenger: never pruned.</summary>
    private List<(string Name, string Version)> Protected(LoadedModel serving)
    {
        var keep = new List<(string, string)> { (serving.Name, serving.Version) };
        if (_store.ReadPointer() is { Previous: { } previous }) keep.Add((previous.Name, previous.Version));
        if (_shadow?.Challenger is { } challenger) keep.Add((challenger.Name, challenger.Version));
        return keep;
    }

    private async Task StartProbationAsync(DesiredModel desired, DateTimeOffset? until, long revision)
    {
        await StopProbationAsync().ConfigureAwait(false);
        if (until is not { } end) return;
        WatchProbation(end, desired.RolloutId, revision);
    }

    private void WatchProbation(DateTimeOffset until, string? rollout, long revision)
    {
        var model = _slot.Current;
        _probation = ProbationWatch.Start(model, until, _loader, _options, _time, _logger,
            (reason, token) => RollBackAsync(model.Name, model.Version, rollout, reason, revision, token));
    }

    /// <summary>
    /// After a restart on a version whose probation had not ended (the pointer says until when), it goes on: the
    /// version is watched and rolled back like right after its swap.
    /// </summary>
    private void ResumeProbation()
    {
        if (_store.ReadPointer() is not { ProbationUntil: { } until } pointer || until <= _time.GetUtcNow() || !_slot.HasModel) return;
        var serving = _slot.Current;
        if (serving.Name != pointer.Name || serving.Version != pointer.Version || !SamePath(serving.SourcePath, pointer.Path)) return;
        _logger.LogInformation("Model {Name} {Version} was on probation until {Until:O} when the agent stopped; probation resumes",
            serving.Name, serving.Version, until);
        serving.Health.OnProbation = true;
        WatchProbation(until, pointer.RolloutId, pointer.Revision ?? -1);
    }

    /// <summary>When the serving version is still on a probation resumed after a restart: what the Active report carries.</summary>
    private DateTimeOffset? ResumedProbationUntil(LoadedModel serving) =>
        _store.ReadPointer() is { ProbationUntil: { } until } pointer && until > _time.GetUtcNow()
        && pointer.Name == serving.Name && pointer.Version == serving.Version ? until : null;

    /// <summary>Goes back to the pointer's previous version after a failed probation and reports rolled-back.</summary>
    /// <param name="cancellationToken">Ends with the probation: a deployment that replaces the version stops waiting here.</param>
    private async Task RollBackAsync(string name, string version, string? rollout, string reason, long revision, CancellationToken cancellationToken)
    {
        var serving = _slot.Current;
        if (serving.Name == name && serving.Version == version) PreemptInProgress();
        await _changing.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var failing = _slot.Current;
            if (failing.Name != name || failing.Version != version) return; // already replaced
            if (_store.ReadPointer() is not { Previous: { } previous })
            {
                _logger.LogError("Model {Name} {Version} failed probation ({Reason}) but there is no previous version to go back to",
                    failing.Name, failing.Version, reason);
                Report(name, version, ModelDeploymentState.Failed, rollout, reason: $"probation: {reason}; no previous version to roll back to");
                return;
            }
            var model = _loader.Load(previous.Path, _options.TrustedKeysDirectory, _slot.NextGeneration());
            _store.WritePointer(new CurrentModelPointer(model.Name, model.Version, model.SourcePath, RolledBackRevision: revision));
            _slot.Publish(model);
            _logger.LogWarning("Model {Name} {Version} failed probation ({Reason}); rolled back to {Previous}",
                failing.Name, failing.Version, reason, previous.Version);
            Report(name, version, ModelDeploymentState.RolledBack, rollout,
                reason: $"probation: {reason}", previous: previous.Version);
        }
        catch (Exception e) when (e is ModelPackageException or IOException or ClassifierLoadException)
        {
            _logger.LogError(e, "Rolling back from {Name} {Version} failed; it keeps serving", name, version);
            Report(name, version, ModelDeploymentState.Failed, rollout,
                reason: $"probation: {reason}; rollback failed: {e.Message}");
        }
        finally
        {
            _changing.Release();
        }
    }

    private bool IsServing(LoadedModel serving, DesiredModel desired) =>
        serving.Name == desired.Name && serving.Version == desired.Version
        && string.Equals(ManifestSha256(serving), desired.ManifestSha256, StringComparison.OrdinalIgnoreCase);

    private static string? ManifestSha256(LoadedModel model)
    {
        var path = Path.Combine(model.Package.Directory, PackageLayout.ManifestFile);
        return File.Exists(path) ? ModelStore.Sha256OfFile(path) : null;
    }

    /// <param name="uses">The model <paramref name="work"/> classifies with: held until the work ends, so a timeout
    /// (after which the caller lets go of it) never disposes its session while native code still runs on it.</param>
    private async Task<T> UnderTimeoutAsync<T>(string step, Func<T> work, CancellationToken cancellationToken, LoadedModel? uses = null)
    {
        if (uses is not null && !uses.TryHold())
            throw new DeploymentFailedException($"{step}: model {uses.Name} {uses.Version} was let go before the step began");
        var running = Task.Run(() =>
        {
            try
            {
                return work();
            }
            finally
            {
                uses?.Release();
            }
        }, CancellationToken.None);
        try
        {
            return await running.WaitAsync(_options.ValidationTimeout, _time, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is TimeoutException or OperationCanceledException)
        {
            // The work cannot be interrupted; whatever it loads is let go when it finishes.
            _ = running.ContinueWith(t => { if (t.Result is LoadedModel late) late.Release(); },
                CancellationToken.None, TaskContinuationOptions.OnlyOnRanToCompletion, TaskScheduler.Default);
            if (e is OperationCanceledException) throw;
            throw new DeploymentFailedException(
                $"{step} did not finish within {_options.ValidationTimeout} ({ModelOptions.SectionName}:ValidationTimeout)");
        }
    }

    private void Fail(string name, string version, string? rollout, LoadedModel serving, string reason)
    {
        _logger.LogWarning("Deployment of model {Name} {Version} failed: {Reason}; {ServingName} {ServingVersion} keeps serving",
            name, version, reason, serving.Name, serving.Version);
        Report(name, version, ModelDeploymentState.Failed, rollout, reason: reason, previous: serving.Version);
        Discard(name, version, serving);
    }

    private void Report(string name, string version, ModelDeploymentState state, string? rollout, string? reason = null,
        string? previous = null, long? bytesDone = null, long? bytesTotal = null, DateTimeOffset? probationUntil = null) =>
        _status.Report(new ModelDeploymentReport(name, version, state, _time.GetUtcNow(), rollout, Truncate(reason), bytesDone, bytesTotal,
            previous, probationUntil));

    // The contract caps text fields; a reason cut short still names the check first.
    private static string? Truncate(string? reason) => reason is { Length: > 1000 } ? reason[..997] + "..." : reason;

    public override void Dispose()
    {
        _changing.Dispose();
        base.Dispose();
    }

    /// <summary>Lets a progress report through at most once per interval, and always the last one.</summary>
    private sealed class ProgressThrottle(TimeProvider time, TimeSpan interval)
    {
        private long _last = long.MinValue;

        public bool Due(bool final)
        {
            var now = time.GetTimestamp();
            if (!final && _last != long.MinValue && time.GetElapsedTime(_last, now) < interval) return false;
            _last = now;
            return true;
        }
    }
}
