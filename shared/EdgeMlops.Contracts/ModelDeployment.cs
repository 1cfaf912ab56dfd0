using System.Text.Json.Serialization;

namespace EdgeMlops.Contracts;

/// <summary>
/// Where a box stands with the model version its desired state names:
/// <c>pending -> downloading -> verifying -> validating -> active | failed | rolled-back</c>.
/// </summary>
[JsonConverter(typeof(JsonStringEnumConverter<ModelDeploymentState>))]
public enum ModelDeploymentState
{
    /// <summary>Seen, not started yet.</summary>
    [JsonStringEnumMemberName("pending")] Pending,

    /// <summary>Fetching the files it does not hold.</summary>
    [JsonStringEnumMemberName("downloading")] Downloading,

    /// <summary>Checking SHA-256 of every file and the fleet signature.</summary>
    [JsonStringEnumMemberName("verifying")] Verifying,

    /// <summary>Loading with the box's execution providers, running the canary set, measuring latency.</summary>
    [JsonStringEnumMemberName("validating")] Validating,

    /// <summary>Serving (possibly still on probation, see <see cref="ModelDeploymentReport.ProbationUntil"/>).</summary>
    [JsonStringEnumMemberName("active")] Active,

    /// <summary>Could not be applied; the previous version keeps serving.</summary>
    [JsonStringEnumMemberName("failed")] Failed,

    /// <summary>Was activated, then the box went back to the previous version on its own (probation failed).</summary>
    [JsonStringEnumMemberName("rolled-back")] RolledBack,
}

/// <summary>The box's progress on its desired model, carried in <see cref="ReportedState.Deployment"/>.</summary>
/// <param name="Name">The desired model's name.</param>
/// <param name="Version">The desired version this report is about.</param>
/// <param name="State">Where the box stands with it.</param>
/// <param name="Since">When the box entered <paramref name="State"/>.</param>
/// <param name="RolloutId">The rollout of the desired state, echoed.</param>
/// <param name="Reason">Why it failed or rolled back (one line naming the check and the file); absent otherwise.</param>
/// <param name="BytesDone">Bytes downloaded so far (while downloading).</param>
/// <param name="BytesTotal">Bytes to download in all (while downloading).</param>
/// <param name="PreviousVersion">The version served before this one (what a rollback returns to).</param>
/// <param name="ProbationUntil">While active on probation: when probation ends.</param>
public sealed record ModelDeploymentReport(
    string Name,
    string Version,
    ModelDeploymentState State,
    DateTimeOffset Since,
    string? RolloutId = null,
    string? Reason = null,
    long? BytesDone = null,
    long? BytesTotal = null,
    string? PreviousVersion = null,
    DateTimeOffset? ProbationUntil = null);

/// <summary>Champion/challenger statistics of one window, carried in <see cref="ReportedState.Shadow"/>.</summary>
/// <param name="ChallengerName">The challenger's model name.</param>
/// <param name="ChallengerVersion">Its version.</param>
/// <param name="WindowStart">Start of the window.</param>
/// <param name="WindowEnd">End of the window.</param>
/// <param name="Crops">Crops both models classified in the window.</param>
/// <param name="Agreement">Share of those on which both chose the same label name, 0 to 1.</param>
/// <param name="ChampionMeanConfidence">The champion's mean top confidence on them.</param>
/// <param name="ChallengerMeanConfidence">The challenger's mean top confidence on them.</param>
/// <param name="ChallengerP95Ms">The challenger's p95 batch latency in milliseconds.</param>
public sealed record ShadowReport(
    string ChallengerName,
    string ChallengerVersion,
    DateTimeOffset WindowStart,
    DateTimeOffset WindowEnd,
    long Crops,
    double Agreement,
    double ChampionMeanConfidence,
    double ChallengerMeanConfidence,
    double ChallengerP95Ms);
