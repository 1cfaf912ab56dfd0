using System.Text.Json;
using EdgeMlops.CloudHub.Devices;
using EdgeMlops.CloudHub.Operators;
using EdgeMlops.CloudHub.Rollout;

namespace EdgeMlops.CloudHub.Cli.Commands;

/// <summary><c>device tag DEVICE key=value ... [--remove key,key]</c>: sets and removes a device's tags, then prints them.</summary>
public sealed class DeviceTagCommand : ICliCommand
{
    public string Name => "device tag";
    public string Usage => "DEVICE [key=value ...] [--remove key[,key]] [--db PATH]";
    public string Summary => "Set (key=value) and remove (--remove) tags of an enrolled device, which rollout selectors such as site=north,camera!=tunnel match; prints the device's tags as JSON.";

    public Task<int> RunAsync(CommandArguments arguments, TextWriter output, CancellationToken cancellationToken)
    {
        var deviceId = arguments.PositionalAt(0, "DEVICE");
        var remove = arguments.Optional("remove")?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? [];
        var db = arguments.Optional("db");
        arguments.RejectUnknown();
        var set = new List<(string Key, string Value)>();
        foreach (var pair in arguments.Positional.Skip(1))
        {
            var equals = pair.IndexOf('=');
            var (key, value) = equals < 0 ? (pair, "") : (pair[..equals], pair[(equals + 1)..]);
            if ((DeviceTags.FindKeyProblem(key) ?? DeviceTags.FindValueProblem(value)) is { } problem)
                throw new UsageException($"'{pair}' is not key=value: {problem}.");
            set.Add((key, value));
        }
        foreach (var key in remove)
        {
            if (DeviceTags.FindKeyProblem(key) is { } problem)
                throw new UsageException($"--remove '{key}': {problem}.");
        }
        if (set.Count == 0 && remove.Length == 0)
            throw new UsageException("Give at least one key=value or --remove key.");

        using var store = HubStoreAccess.Open(db);
        if (!store.Devices.IsEnrolled(deviceId))
        {
            output.WriteLine($"{deviceId} is not enrolled");
            return Task.FromResult(1);
        }
        var tags = new DeviceTags(store.Database);
        foreach (var (key, value) in set)
        {
            tags.Set(deviceId, key, value);
            store.Audit.Record(AuditLog.CliActor, RolloutAuditActions.TagSet, $"{deviceId}/{key}", $"{AuditActions.Done}: {key}={value}");
        }
        foreach (var key in remove)
        {
            var removed = tags.Remove(deviceId, key);
            store.Audit.Record(AuditLog.CliActor, RolloutAuditActions.TagRemove, $"{deviceId}/{key}", removed ? AuditActions.Done : "refused: no such tag");
        }
        output.WriteLine(JsonSerializer.Serialize(tags.Of(deviceId), RolloutJson.Line));
        return Task.FromResult(0);
    }
}
