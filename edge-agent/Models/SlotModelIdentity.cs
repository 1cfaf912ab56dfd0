namespace EdgeMlops.EdgeAgent.Models;

/// <summary>The name and version of the model in the slot, for the device's reported state.</summary>
internal sealed class SlotModelIdentity(ModelSlot slot) : Sync.IModelIdentity
{
    public string Name => slot.Current.Name;
    public string Version => slot.Current.Version;
}
