namespace EdgeMlops.CloudHub.Storage;

/// <summary>The hub database failed (disk full, I/O error, locked for too long): the data was not stored.</summary>
public sealed class HubStoreException(string message, Exception? inner = null) : Exception(message, inner);
