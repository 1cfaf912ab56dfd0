using System.Text.Json;
using EdgeMlops.CloudHub.Devices;
using EdgeMlops.CloudHub.Notifications;
using EdgeMlops.CloudHub.Registry;
using EdgeMlops.CloudHub.Storage;
using EdgeMlops.Contracts;

namespace EdgeMlops.CloudHub.Rollout;

/// <summary>
/// One pass over every rollout with work left (<see cref="TickAsync"/>), and the operator's changes to a rollout. Each
/// pass starts pending rollouts, follows the reported state of every moved device, times out the slow ones, applies the
/// abort criteria, releases the next wave once the previous one has held active for the window, completes rollouts,
/// and writes the previous desired model back to devices of aborted or rolled-back rollouts. Everything it knows is in
/// the hub database, so a pass after a restart carries on where the last one stopped.
/// </summary>
public sealed class RolloutEngine(
    RolloutStore store,
    DeviceTags tags,
    DesiredStateBook desired,
    IModelCatalog catalog,
    IHubNotifications notifications,
    TimeProvider time,
    ILogger<RolloutEngine> logger)
{
    /// <summary>Name of the notification every rollout state change enqueues.</summary>
    public const string StateNotification = "rollout.state";

    // Passes and operator changes one at a time: a pause must not land between a pass's decision and its write.
    private readonly SemaphoreSlim _gate = new(1, 1);

    /// <summary>One pass over every rollout with work left.</summary>
    public async Task TickAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            foreach (var rollout in store.WithWork())
            {
                cancellationToken.ThrowIfCancellationRequested();
                try
                {
                    await AdvanceAsync(rollout, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception e) when (e is ArgumentException or InvalidDataException or JsonException)
                {
                    // One rollout's bad data must not stall the others; it is retried next pass and says why meanwhile.
                    logger.LogError(e, "Rollout {RolloutId} could not advance: {Reason}", rollout.Id, e.Message);
                }
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Applies an operator's change (see <see cref="RolloutActions"/>): promote releases the next wave on the next pass
    /// without waiting for the window; abort and rollback send every moved device back to its previous version.
    /// </summary>
    /// <returns>Null when done; why not otherwise (unknown rollout, wrong state).</returns>
    public async Task<string?> ApplyAsync(long id, RolloutAction action, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var (state, problem) = RolloutActions.Apply(store, id, action, time.GetUtcNow());
            if (state is not null && store.Get(id) is { } rollout)
                Notify(rollout, state, rollout.Reason);
            return problem;
        }
        finally
        {
            _gate.Release();
        }
    }

    private void Transition(RolloutRow rollout, string state, string? reason, params string[] from)
    {
        if (store.SetState(rollout.Id, state, reason, time.GetUtcNow(), from))
            Notify(rollout, state, reason);
    }

    private void Finish(RolloutRow rollout, string state, string reason, params string[] from)
    {
        if (store.Finish(rollout.Id, state, reason, time.GetUtcNow(), from))
            Notify(rollout, state, reason);
    }

    private void Notify(RolloutRow rollout, string state, string? reason)
    {
        logger.LogInformation("Rollout {RolloutId} of {Model} {Version}: {State} {Reason}", rollout.Id, rollout.Model, rollout.Version ?? rollout.Requested, state, reason);
        var devices = store.Devices(rollout.Id);
        var detail = JsonSerializer.SerializeToElement(new RolloutStateDetail(rollout.Id, rollout.Model, rollout.Version ?? rollout.Requested, state, reason,
            RolloutCounters.Of(devices)), RolloutJson.Options);
        notifications.Enqueue(new HubNotification(StateNotification, RolloutStore.IdText(rollout.Id), time.GetUtcNow(), detail));
    }

    private async Task AdvanceAsync(RolloutRow rollout, CancellationToken cancellationToken)
    {
        if (rollout.State == RolloutStates.Pending)
        {
            if (!Start(rollout))
                return;
            rollout = store.Get(rollout.Id)!;
        }
        var now = time.GetUtcNow();
        var devices = store.Devices(rollout.Id);
        if (RolloutStates.IsActive(rollout.State))
        {
            foreach (var device in devices.Where(d => d.MovedAt is not null && !d.RevertPending))
                await FollowAsync(rollout, device, now, cancellationToken).ConfigureAwait(false);
            if (rollout.State == RolloutStates.Running && FindAbortReason(rollout, devices) is { } abort)
                Finish(rollout, RolloutStates.Aborted, abort, RolloutStates.Running);
            else if (rollout.State == RolloutStates.Running)
                await ReleaseOrCompleteAsync(rollout, devices, now, cancellationToken).ConfigureAwait(false);
            devices = store.Devices(rollout.Id);
        }
        foreach (var device in devices.Where(d => d.RevertPending))
            await RevertAsync(rollout, device, cancellationToken).ConfigureAwait(false);
    }

    /// <returns>False when the rollout could not start (and was aborted saying why).</returns>
    private bool Start(RolloutRow rollout)
    {
        var now = time.GetUtcNow();
        if (catalog.Resolve(rollout.Model, rollout.Requested) is not { } version)
        {
            Finish(rollout, RolloutStates.Aborted, $"model {rollout.Model} has no version or alias '{rollout.Requested}'", RolloutStates.Pending);
            return false;
        }
        var selector = rollout.Selector is null ? null : TagSelector.Parse(rollout.Selector);
        var named = rollout.DeviceIds.Split(',', StringSplitOptions.RemoveEmptyEntries);
        var matched = RolloutTargets.Choose(named, selector, rollout.Percent, rollout.Model, rollout.Id, tags);
        // A device another active rollout is moving stays with it: a newer rollout supersedes only finished ones.
        var chosen = matched.Where(id => store.HeldBy(id, rollout.Id) is null).ToList();
        if (chosen.Count < matched.Count)
            logger.LogWarning("Rollout {RolloutId} leaves out {Count} devices that other active rollouts are moving", rollout.Id, matched.Count - chosen.Count);
        if (chosen.Count == 0)
        {
            Finish(rollout, RolloutStates.Aborted,
                matched.Count == 0 ? "the target matches no device" : "every targeted device is in another active rollout", RolloutStates.Pending);
            return false;
        }
        store.Start(rollout.Id, version.Version, version.ManifestSha256, catalog.DownloadSource,
            RolloutTargets.AssignWaves(chosen, rollout.Canary, rollout.WaveBase, rollout.WaveFactor), now);
        rollout.Version = version.Version;
        Notify(rollout, RolloutStates.Running, null);
        return true;
    }

    /// <summary>Updates one moved device from what it last reported, or times it out.</summary>
    private async Task FollowAsync(RolloutRow rollout, RolloutDeviceRow device, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var nowMs = UnixTime.ToMs(now);
        var before = (device.State, device.Succeeded, device.BytesDone);
        if (device.State == RolloutDeviceStates.Pending && !NamesRollout(device.DeviceId, rollout.Id))
        {
            // Marked moved but the desired state does not say so: the hub stopped (or the database refused the write)
            // between the two writes of MoveAsync. Write the move again rather than wait for the device to time out.
            logger.LogWarning("Rollout {RolloutId}: device {DeviceId} was marked moved but its desired model does not name the rollout; moving it again",
                rollout.Id, device.DeviceId);
            await desired.SetPropertyAsync(device.DeviceId, DesiredModel.PropertyName, Target(rollout).ToProperty(), cancellationToken).ConfigureAwait(false);
        }
        var probationOver = true;
        if (ReadDeployment(rollout, device.DeviceId) is { } report)
        {
            probationOver = report.ProbationUntil is not { } until || until <= now;
            var state = report.State switch
            {
                ModelDeploymentState.Pending => RolloutDeviceStates.Pending,
                ModelDeploymentState.Downloading => RolloutDeviceStates.Downloading,
                ModelDeploymentState.Verifying => RolloutDeviceStates.Verifying,
                ModelDeploymentState.Validating => RolloutDeviceStates.Validating,
                ModelDeploymentState.Active => RolloutDeviceStates.Active,
                ModelDeploymentState.Failed => RolloutDeviceStates.Failed,
                _ => RolloutDeviceStates.RolledBack,
            };
            // A timed-out device that reports later stays counted as failed: the decision was taken on it.
            if (device.State != RolloutDeviceStates.TimedOut && state != device.State)
            {
                device.State = state;
                device.StateAt = nowMs;
                device.Reason = report.Reason;
                // The box's own time, within what the hub knows: not before the move, not in the hub's future.
                device.ActiveSince = state == RolloutDeviceStates.Active ? Math.Clamp(UnixTime.ToMs(report.Since), device.MovedAt!.Value, nowMs) : null;
                device.Succeeded = false;
            }
            device.BytesDone = report.BytesDone;
            device.BytesTotal = report.BytesTotal;
        }
        // Succeeded only once the box's own probation is over too: until then it may still roll back by itself, and a
        // rollout that completed or released the next wave would never see it.
        if (device.State == RolloutDeviceStates.Active && !device.Succeeded && nowMs - device.ActiveSince >= rollout.WindowMs && probationOver)
            device.Succeeded = true;
        if ((device.State == RolloutDeviceStates.Pending || RolloutDeviceStates.IsInProgress(device.State)) && nowMs - device.MovedAt >= rollout.DeviceTimeoutMs)
        {
            device.Reason = $"timed out: not active {TimeSpan.FromMilliseconds(rollout.DeviceTimeoutMs)} after the rollout moved it (last {device.State})";
            device.State = RolloutDeviceStates.TimedOut;
            device.StateAt = nowMs;
        }
        if ((device.State, device.Succeeded, device.BytesDone) != before)
            store.UpdateDevice(device);
    }

    /// <summary>The device's report about this rollout's version, or null when it has said nothing about it yet.</summary>
    private ModelDeploymentReport? ReadDeployment(RolloutRow rollout, string deviceId)
    {
        if (store.Reported(deviceId) is not { ReportedJson: { } json })
            return null;
        ReportedState? reported;
        try
        {
            reported = JsonSerializer.Deserialize(json, ContractsJsonContext.Default.ReportedState);
        }
        catch (JsonException e)
        {
            logger.LogWarning("Reported state of device {DeviceId} is unreadable: {Reason}", deviceId, e.Message);
            return null;
        }
        var ours = RolloutStore.IdText(rollout.Id);
        if (reported?.Deployment is { } deployment && deployment.Name == rollout.Model && deployment.Version == rollout.Version
            && (deployment.RolloutId is null || deployment.RolloutId == ours))
            return deployment;
        // A box already serving the version (from an earlier round) has nothing to do and may not report a deployment for this rollout.
        return reported is not null && reported.ModelName == rollout.Model && reported.ModelVersion == rollout.Version
               && reported.Deployment is null or { State: ModelDeploymentState.Active }
            ? new ModelDeploymentReport(rollout.Model, rollout.Version!, ModelDeploymentState.Active, reported.At, ours)
            : null;
    }

    private static string? FindAbortReason(RolloutRow rollout, IReadOnlyList<RolloutDeviceRow> devices)
    {
        if (rollout.Canary > 0 && devices.FirstOrDefault(d => d.Wave == 0 && RolloutDeviceStates.IsBad(d.State)) is { } canary)
            return $"canary {canary.DeviceId} {canary.State}: {canary.Reason}";
        var bad = devices.Count(d => RolloutDeviceStates.IsBad(d.State));
        var executed = bad + devices.Count(d => d.Succeeded);
        return executed >= rollout.AbortMin && bad >= rollout.AbortThreshold * executed
            ? $"{bad} of {executed} executed devices failed, at or over the abort threshold {rollout.AbortThreshold:0.###} (after at least {rollout.AbortMin})"
            : null;
    }

    private async Task ReleaseOrCompleteAsync(RolloutRow rollout, IReadOnlyList<RolloutDeviceRow> devices, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var queued = devices.Where(d => d.State == RolloutDeviceStates.Queued).ToList();
        var settled = devices.Where(d => d.State != RolloutDeviceStates.Queued).All(d => d.Succeeded || RolloutDeviceStates.IsBad(d.State));
        if (queued.Count == 0)
        {
            if (settled)
                Transition(rollout, RolloutStates.Completed, null, RolloutStates.Running);
            return;
        }
        if (!settled && !rollout.Promote)
            return;
        var wave = queued.Min(d => d.Wave);
        if (rollout.Promote)
            store.SetPromote(rollout.Id, false);
        foreach (var device in queued.Where(d => d.Wave == wave))
            await MoveAsync(rollout, device, now, cancellationToken).ConfigureAwait(false);
        logger.LogInformation("Rollout {RolloutId}: wave {Wave} released", rollout.Id, wave);
    }

    /// <summary>Writes the rollout's version into the device's desired model, remembering what it had before.</summary>
    private async Task MoveAsync(RolloutRow rollout, RolloutDeviceRow device, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var current = desired.Current(device.DeviceId);
        string? previousDesired = null;
        if (current?.Properties is { } properties && properties.TryGetValue(DesiredModel.PropertyName, out var model))
            previousDesired = model.GetRawText();
        var previousVersion = store.Reported(device.DeviceId)?.ModelVersion;
        // Stored before the desired state: a crash in between moves the device once more (FollowAsync), never loses what it had.
        store.MarkMoved(rollout.Id, device.DeviceId, previousVersion, previousDesired, now);
        await desired.SetPropertyAsync(device.DeviceId, DesiredModel.PropertyName, Target(rollout).ToProperty(), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The desired model a moved device gets. The download source is the catalog's at move time, not the rollout's start:
    /// a hub whose public URL changed mid-rollout sends later waves to where it can be reached now.
    /// </summary>
    private DesiredModel Target(RolloutRow rollout) =>
        new(rollout.Model, rollout.Version!, rollout.ManifestSha256!, catalog.DownloadSource, RolloutStore.IdText(rollout.Id), rollout.ProbationSeconds);

    /// <summary>Whether the device's stored desired model names rollout <paramref name="id"/>.</summary>
    private bool NamesRollout(string deviceId, long id) =>
        desired.Current(deviceId) is { } state && DesiredModel.TryRead(state, out var model, out _) && model.RolloutId == RolloutStore.IdText(id);

    /// <summary>Puts back the desired model the device had before the rollout moved it (unless a later rollout has moved it since).</summary>
    private async Task RevertAsync(RolloutRow rollout, RolloutDeviceRow device, CancellationToken cancellationToken)
    {
        var stillOurs = NamesRollout(device.DeviceId, rollout.Id);
        string reason;
        if (!stillOurs)
            reason = "left as it is: its desired model no longer names this rollout";
        else if (device.PreviousDesired is { } previous)
        {
            using var document = JsonDocument.Parse(previous);
            await desired.SetPropertyAsync(device.DeviceId, DesiredModel.PropertyName, document.RootElement, cancellationToken).ConfigureAwait(false);
            reason = $"desired model set back to {device.PreviousVersion ?? "its previous version"}";
        }
        else if (device.PreviousVersion is { } version && catalog.Resolve(rollout.Model, version) is { } known)
        {
            var back = new DesiredModel(known.Name, known.Version, known.ManifestSha256, catalog.DownloadSource);
            await desired.SetPropertyAsync(device.DeviceId, DesiredModel.PropertyName, back.ToProperty(), cancellationToken).ConfigureAwait(false);
            reason = $"desired model set back to {version}";
        }
        else
        {
            // Nothing to name: the box had no desired model before, so it has none again and keeps what it serves.
            await desired.SetPropertyAsync(device.DeviceId, DesiredModel.PropertyName, null, cancellationToken).ConfigureAwait(false);
            reason = "desired model removed (it had none before)";
        }
        var wasBad = RolloutDeviceStates.IsBad(device.State) ? $"{device.State}: {device.Reason}; " : "";
        device.State = RolloutDeviceStates.Reverted;
        device.Reason = wasBad + reason;
        device.StateAt = UnixTime.ToMs(time.GetUtcNow());
        device.RevertPending = false;
        device.Succeeded = false;
        store.UpdateDevice(device);
    }
}
