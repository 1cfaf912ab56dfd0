using System.Text.Json;
using EdgeMlops.CloudHub.Notifications;
using EdgeMlops.CloudHub.Operators;

namespace EdgeMlops.CloudHub.Registry;

/// <summary>
/// Moves aliases (<c>production</c>, <c>candidate</c>, any name) of a model: only to a registered version, always with a
/// reason, each move stored in the alias history, audited with the operator's name and announced as <c>alias.moved</c>.
/// </summary>
public sealed class ModelAliases(ModelVersionBook book, AuditLog audit, IHubNotifications notifications, TimeProvider time, ILogger<ModelAliases> logger)
{
    public const string MoveAction = "model.alias.move";
    public const string NotificationKind = "alias.moved";

    /// <summary>Most characters of an alias name; it shares the space of versions in a desired state.</summary>
    public const int MaxAliasLength = 64;

    /// <summary>Points <paramref name="alias"/> of <paramref name="name"/> at <paramref name="version"/>, or removes it when <paramref name="version"/> is null.</summary>
    /// <returns>The move, or null when the alias already pointed there (nothing recorded).</returns>
    /// <exception cref="AliasMoveException">The alias name or reason is not valid, or the version is not registered (or the alias does not exist, for a removal).</exception>
    public AliasMove? Move(string actor, string name, string alias, string? version, string? reason)
    {
        var target = $"{name}@{alias}";
        if (FindAliasProblem(alias) is { } badAlias)
            throw Refuse(badAlias, "alias", isUnknown: false);
        if (string.IsNullOrWhiteSpace(reason))
            throw Refuse("a reason is required: it is what the history tells the next operator", "reason", isUnknown: false);
        if (version is not null && book.Find(name, version) is null)
            throw Refuse($"{name} {version} is not registered", "version", isUnknown: true);
        if (version is null && book.AliasTarget(name, alias) is null)
            throw Refuse($"{name} has no alias '{alias}'", "alias", isUnknown: true);
        var move = book.Move(name, alias, version, actor, reason!.Trim(), time.GetUtcNow());
        if (move is null)
        {
            audit.Record(actor, MoveAction, target, $"{AuditActions.Done}: already at {version}");
            return null;
        }
        audit.Record(actor, MoveAction, target, $"{AuditActions.Done}: {move.From ?? "(none)"} -> {move.To ?? "(removed)"}");
        logger.LogInformation("Alias {Alias} of {Model} moved from {From} to {To} by {Actor}: {Reason}",
            alias, name, move.From ?? "(none)", move.To ?? "(removed)", actor, move.Reason);
        notifications.Enqueue(new HubNotification(NotificationKind, target, move.Time,
            JsonSerializer.SerializeToElement(new AliasMovedDetail(name, alias, move.From, move.To, actor, move.Reason), RegistryJsonContext.Default.AliasMovedDetail)));
        return move;

        AliasMoveException Refuse(string problem, string parameter, bool isUnknown)
        {
            audit.Record(actor, MoveAction, target, $"refused: {problem}");
            return new AliasMoveException(problem, parameter, isUnknown);
        }
    }

    /// <summary>Why <paramref name="alias"/> cannot be an alias name; null when it can.</summary>
    public static string? FindAliasProblem(string? alias) =>
        string.IsNullOrEmpty(alias) ? "the alias name is empty"
        : alias.Length > MaxAliasLength ? $"the alias name is longer than {MaxAliasLength} characters"
        : !alias.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_') ? $"the alias name '{alias}' may hold only letters, digits, '-' and '_'"
        // A version such as 1.2.0 always has a dot, so an alias can never be mistaken for one.
        : null;
}

/// <summary>The <c>detail</c> of an <c>alias.moved</c> notification.</summary>
public sealed record AliasMovedDetail(string Name, string Alias, string? From, string? To, string Operator, string Reason);

/// <summary>An alias move was refused; <see cref="IsUnknown"/> when the version or alias does not exist (404) rather than bad input (400).</summary>
/// <param name="parameter">The input at fault: alias, version or reason.</param>
public sealed class AliasMoveException(string message, string parameter, bool isUnknown) : Exception(message)
{
    public string Parameter { get; } = parameter;
    public bool IsUnknown { get; } = isUnknown;
}
