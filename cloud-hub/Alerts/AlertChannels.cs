using System.Text.Json;
using EdgeMlops.CloudHub.Notifications;
using EdgeMlops.CloudHub.Storage;
using EdgeMlops.Contracts;

namespace EdgeMlops.CloudHub.Alerts;

/// <summary>
/// Brings the outside world in line with the alerts table: hands every transition not yet notified to the webhook
/// (<c>alert.opened</c>, <c>alert.acknowledged</c>, <c>alert.resolved</c>, detail: the <see cref="AlertMessage"/>),
/// and puts each live alert's retained message on its topic, clearing the topics of resolved ones. Driven by the
/// table, so a change the CLI wrote, or one made while the broker was down, goes out at the next flush; after a start
/// every live alert is published again (an embedded broker keeps retained messages in memory only).
/// </summary>
public sealed class AlertChannels(AlertStore store, IHubNotifications notifications, IAlertPublisher publisher, ILogger<AlertChannels> logger)
{
    private readonly SemaphoreSlim _gate = new(1, 1);

    /// <param name="all">Publish every live alert (and clear every published resolved one), not only those changed.</param>
    /// <returns>Whether the broker side was up, so the retained messages were brought in line.</returns>
    public async Task<bool> FlushAsync(bool all, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            Notify();
            return await PublishAsync(all, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    private void Notify()
    {
        foreach (var transition in store.Unnotified())
        {
            if (store.Get(transition.AlertId) is { } alert)
            {
                var message = alert.ToMessage() with { State = StateAfter(transition.Transition), ModelVersion = transition.ModelVersion, Figure = transition.Figure, Bound = transition.Bound, Samples = transition.Samples };
                var detail = JsonSerializer.SerializeToElement(new AlertNotificationDetail(message, transition.Actor, transition.Note), AlertJson.Options);
                notifications.Enqueue(new HubNotification(AlertNotificationKinds.Of(transition.Transition), $"alert:{AlertStore.IdText(alert.Id)}",
                    UnixTime.FromMs(transition.Time), detail));
            }
            store.MarkNotified(transition.Id);
        }
    }

    private async Task<bool> PublishAsync(bool all, CancellationToken cancellationToken)
    {
        if (!publisher.IsUp)
            return false;
        foreach (var alert in store.Unpublished(all))
        {
            var live = alert.State != AlertStates.Resolved;
            string topic;
            try
            {
                topic = Topics.AlertOf(alert.Rule, alert.DeviceId, alert.CameraId, alert.ModelName);
            }
            catch (ArgumentException e)
            {
                // Reports are checked at ingest so this cannot come from a box; if it ever does, one alert without a
                // retained message must not stop every later one from being published or cleared.
                logger.LogError("Alert {AlertId} has no valid topic and is not published on MQTT (API and webhook still carry it): {Reason}", alert.Id, e.Message);
                store.MarkPublished(alert.Id, alert.State, "unpublishable");
                continue;
            }
            try
            {
                await publisher.PublishAsync(topic, live ? alert.ToMessage() : null, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                // The broker went away mid-flush: what is not marked published is tried again at the next flush.
                logger.LogWarning("Alert {AlertId} is {State} but its retained message on {Topic} is not published yet: {Reason}", alert.Id, alert.State, topic, e.Message);
                return false;
            }
            store.MarkPublished(alert.Id, alert.State, live ? alert.State : "cleared");
        }
        return true;
    }

    private static string StateAfter(string transition) => transition switch
    {
        AlertTransitions.Opened => AlertStates.Open,
        AlertTransitions.Acknowledged => AlertStates.Acknowledged,
        _ => AlertStates.Resolved,
    };
}

/// <summary>The webhook detail of an alert transition: the alert as it stood, who made the transition and their note.</summary>
public sealed record AlertNotificationDetail(AlertMessage Alert, string Actor, string? Note);
