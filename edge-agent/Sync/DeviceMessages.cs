using System.Reflection;
using System.Text.Json;
using EdgeMlops.Contracts;
using EdgeMlops.EdgeAgent.Telemetry;
using Microsoft.Extensions.Logging;

namespace EdgeMlops.EdgeAgent.Sync;

/// <summary>The device's own messages besides the outbox: its status (online, offline, last will) and its reported state.</summary>
internal sealed class DeviceMessages(string deviceId, EdgeStore store, IModelIdentity model, DesiredStateStore desired, TimeProvider time,
    ILogger logger, Models.DeploymentStatus? deployment = null, ReviewedPrecisionBook? reviewed = null)
{
    /// <summary>The agent's version as built (informational version, else the assembly version).</summary>
    public static readonly string AgentVersion =
        typeof(DeviceMessages).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
        ?? typeof(DeviceMessages).Assembly.GetName().Version?.ToString()
        ?? "unknown";

    private const string Unknown = "unknown";
    private bool _modelUnknownLogged;

    public byte[] Status(bool online) => JsonSerializer.SerializeToUtf8Bytes(
        new DeviceStatus(deviceId, online, time.GetUtcNow(), online ? AgentVersion : null),
        ContractsJsonContext.Default.DeviceStatus);

    public byte[] Report()
    {
        var (name, version) = ModelIdentity();
        var lastIssued = store.LastIssuedSeq;
        var oldest = store.OldestPendingSeq;
        var backlog = new OutboxBacklog(
            store.Epoch,
            lastIssued,
            store.PendingCount,
            // The contract wants 1..lastIssued; a snapshot taken between two counters may briefly disagree.
            oldest is { } seq && seq <= lastIssued ? seq : null,
            store.EvictedRecords);
        return JsonSerializer.SerializeToUtf8Bytes(
            new ReportedState(deviceId, time.GetUtcNow(), name, version, backlog, desired.Current?.Revision,
                deployment?.Deployment, deployment?.Shadow, reviewed?.Cameras),
            ContractsJsonContext.Default.ReportedState);
    }

    private (string Name, string Version) ModelIdentity()
    {
        try
        {
            return (NonEmpty(model.Name), NonEmpty(model.Version));
        }
        catch (Exception e)
        {
            // A model that cannot be loaded is the pipeline's to report; the device still reports its backlog.
            if (!_modelUnknownLogged)
                logger.LogWarning("Reported state names the model '{Unknown}': {Reason}", Unknown, e.Message);
            _modelUnknownLogged = true;
            return (Unknown, Unknown);
        }
    }

    private static string NonEmpty(string text) => string.IsNullOrWhiteSpace(text) ? Unknown : text;
}
