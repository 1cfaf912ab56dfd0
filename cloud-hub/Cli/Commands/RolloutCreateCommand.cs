using System.Globalization;
using System.Text.Json;
using EdgeMlops.CloudHub.Operators;
using EdgeMlops.CloudHub.Rollout;

namespace EdgeMlops.CloudHub.Cli.Commands;

/// <summary><c>rollout create</c>: stores a pending rollout that the hub's coordinator starts on its next tick.</summary>
public sealed class RolloutCreateCommand : ICliCommand
{
    public string Name => "rollout create";
    public string Usage => "--model NAME (--version V | --alias A) (--devices a,b | --selector S) [--percent P] [--canary N] [--wave-base N] [--wave-factor F] " +
                           "[--window 2m] [--abort-threshold 0.2] [--abort-min 3] [--device-timeout 30m] [--probation-seconds S] [--db PATH]";
    public string Summary => "Create a staged rollout of a model version or alias onto devices and/or a tag selector; the running hub resolves the version and starts it (an unknown version aborts it, saying so). Prints {\"id\",\"state\"}.";

    public Task<int> RunAsync(CommandArguments arguments, TextWriter output, CancellationToken cancellationToken)
    {
        var defaults = new RolloutOptions();
        var version = arguments.Optional("version");
        var alias = arguments.Optional("alias");
        if ((version is null) == (alias is null))
            throw new UsageException("Give exactly one of --version and --alias.");
        var request = new RolloutRequest(
            arguments.Required("model"),
            version ?? alias,
            arguments.Optional("devices")?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
            arguments.Optional("selector"),
            Number(arguments, "percent"),
            arguments.Optional("canary") is null ? null : arguments.Int("canary", 0, 0),
            arguments.Optional("wave-base") is null ? null : arguments.Int("wave-base", defaults.WaveBase, 1),
            Number(arguments, "wave-factor"),
            arguments.Optional("window") is null ? null : arguments.Duration("window", defaults.Window),
            Number(arguments, "abort-threshold"),
            arguments.Optional("abort-min") is null ? null : arguments.Int("abort-min", defaults.AbortMin, 1),
            arguments.Optional("device-timeout") is null ? null : arguments.Duration("device-timeout", defaults.DeviceTimeout),
            // A device counts as succeeded only once its probation is over: the box's own default applies when absent.
            arguments.Optional("probation-seconds") is null ? null : arguments.Int("probation-seconds", 0, 0));
        var db = arguments.Optional("db");
        arguments.RejectUnknown();
        var (plan, problem) = request.ToPlan(defaults);
        if (plan is null)
            throw new UsageException($"--{problem}");

        using var store = HubStoreAccess.Open(db);
        if (plan.FindUnenrolled(store.Devices.IsEnrolled) is { } unenrolled)
            throw new UsageException($"--{unenrolled}");
        var id = new RolloutStore(store.Database).Create(plan, AuditLog.CliActor, DateTimeOffset.UtcNow);
        store.Audit.Record(AuditLog.CliActor, RolloutAuditActions.Create, RolloutStore.IdText(id), $"{AuditActions.Done}: {plan.Model} {plan.Requested}");
        output.WriteLine(JsonSerializer.Serialize(new { id, state = RolloutStates.Pending }, RolloutJson.Line));
        return Task.FromResult(0);
    }

    private static double? Number(CommandArguments arguments, string name) =>
        arguments.Optional(name) is not { } text ? null
        : double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) ? value
        : throw new UsageException($"Option --{name} must be a number; got '{text}'.");
}
