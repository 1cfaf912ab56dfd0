namespace EdgeMlops.CloudHub.Alerts;

/// <summary>The rules that open alerts, each with its severity.</summary>
public static class AlertRules
{
    /// <summary>Measured precision (truth, feed, review) whose Wilson upper bound is under the threshold.</summary>
    public const string MeasuredPrecision = "measured-precision";

    /// <summary>Estimated precision (calibrated confidences) under the threshold: an early sign before labels arrive.</summary>
    public const string EstimatedPrecision = "estimated-precision";

    /// <summary>Class-mix or confidence drift (PSI or Jensen–Shannon) at or over the drift threshold.</summary>
    public const string Drift = "drift";

    public static IReadOnlyList<string> All { get; } = [MeasuredPrecision, EstimatedPrecision, Drift];

    public static string SeverityOf(string rule) => rule == MeasuredPrecision ? AlertSeverities.Critical : AlertSeverities.Warning;
}

public static class AlertSeverities
{
    public const string Critical = "critical";
    public const string Warning = "warning";

    public static IReadOnlyList<string> All { get; } = [Critical, Warning];
}

/// <summary>An alert's lifecycle: open → acknowledged → resolved (or open → resolved).</summary>
public static class AlertStates
{
    public const string Open = "open";
    public const string Acknowledged = "acknowledged";
    public const string Resolved = "resolved";

    public static IReadOnlyList<string> All { get; } = [Open, Acknowledged, Resolved];
}

/// <summary>The history's transitions, and the actor the rule engine writes.</summary>
public static class AlertTransitions
{
    public const string Opened = "opened";
    public const string Acknowledged = "acknowledged";
    public const string Resolved = "resolved";

    /// <summary>The actor of transitions the hub's evaluation made.</summary>
    public const string RuleActor = "rule";
}

/// <summary>The audit log's names for operators' alert changes, and the webhook's notification kinds.</summary>
public static class AlertAuditActions
{
    public const string Acknowledge = "alert.acknowledge";
    public const string Resolve = "alert.resolve";
}

public static class AlertNotificationKinds
{
    public const string Opened = "alert.opened";
    public const string Acknowledged = "alert.acknowledged";
    public const string Resolved = "alert.resolved";

    public static string Of(string transition) => transition switch
    {
        AlertTransitions.Opened => Opened,
        AlertTransitions.Acknowledged => Acknowledged,
        _ => Resolved,
    };
}
