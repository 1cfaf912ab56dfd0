using EdgeMlops.CloudHub.Notifications;

namespace EdgeMlops.CloudHub.Rollout;

/// <summary>Drops notifications: the fallback while no webhook sender is registered.</summary>
internal sealed class NoHubNotifications : IHubNotifications
{
    public void Enqueue(HubNotification notification)
    {
    }
}
