using System.Text.Json;

namespace EdgeMlops.CloudHub.Notifications;

/// <summary>Something an outside system may want to hear about: an alias move, a rollout state change, an alert.</summary>
/// <param name="Kind">What happened, e.g. <c>alias.moved</c>, <c>rollout.state</c>.</param>
/// <param name="Subject">What it happened to, e.g. <c>vehicle-classifier@production</c> or a rollout id.</param>
/// <param name="At">When.</param>
/// <param name="Detail">The details, as JSON.</param>
public sealed record HubNotification(string Kind, string Subject, DateTimeOffset At, JsonElement Detail);

/// <summary>Hands notifications to whoever delivers them (the webhook sender); never blocks and never throws for delivery trouble.</summary>
public interface IHubNotifications
{
    void Enqueue(HubNotification notification);
}
