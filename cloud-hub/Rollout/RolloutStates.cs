namespace EdgeMlops.CloudHub.Rollout;

/// <summary>Where a rollout stands: <c>pending -> running (-> paused -> running) -> completed | aborted | rolled-back</c>.</summary>
public static class RolloutStates
{
    /// <summary>Created; the coordinator resolves the model and the targets on its next tick.</summary>
    public const string Pending = "pending";

    public const string Running = "running";

    /// <summary>No new wave is released; devices already moved are still followed.</summary>
    public const string Paused = "paused";

    public const string Completed = "completed";

    /// <summary>Stopped (abort criteria, a failing canary, or an operator): every device it moved goes back.</summary>
    public const string Aborted = "aborted";

    /// <summary>An operator took it back: every device it moved goes back.</summary>
    public const string RolledBack = "rolled-back";

    public static readonly IReadOnlyList<string> All = [Pending, Running, Paused, Completed, Aborted, RolledBack];

    /// <summary>Whether the rollout still moves devices.</summary>
    public static bool IsActive(string state) => state is Pending or Running or Paused;
}

/// <summary>Where one targeted device stands in a rollout; the middle ones echo the box's <see cref="EdgeMlops.Contracts.ModelDeploymentState"/>.</summary>
public static class RolloutDeviceStates
{
    /// <summary>Targeted, its wave not released yet.</summary>
    public const string Queued = "queued";
    public const string Pending = "pending";
    public const string Downloading = "downloading";
    public const string Verifying = "verifying";
    public const string Validating = "validating";
    public const string Active = "active";
    public const string Failed = "failed";
    public const string RolledBack = "rolled-back";
    public const string TimedOut = "timed-out";

    /// <summary>The rollout was aborted or rolled back and the device's desired model went back to what it was.</summary>
    public const string Reverted = "reverted";

    public static readonly IReadOnlyList<string> All = [Queued, Pending, Downloading, Verifying, Validating, Active, Failed, RolledBack, TimedOut, Reverted];

    /// <summary>Counted as failed by the fleet counters and the abort criteria.</summary>
    public static bool IsBad(string state) => state is Failed or RolledBack or TimedOut;

    /// <summary>Moved and still on its way to active.</summary>
    public static bool IsInProgress(string state) => state is Pending or Downloading or Verifying or Validating;
}
