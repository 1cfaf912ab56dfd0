using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using EdgeMlops.Contracts;
using EdgeMlops.Messaging;
using MQTTnet;
using MQTTnet.Protocol;

namespace EdgeMlops.EdgeAgent.Sync;

/// <summary>
/// Everything needed to connect, resolved once at start: the broker, the identity (client id = user name default =
/// device id), the password (from the file, if configured) and the CA certificates. Files are read here so that a
/// missing or unreadable one stops the agent at start with the key named, not at the first reconnect.
/// </summary>
internal sealed class SyncConnectionSettings
{
    private readonly SyncOptions _options;
    private readonly string? _password;
    private readonly X509Certificate2Collection? _trustedCas;

    private SyncConnectionSettings(SyncOptions options, string deviceId, BrokerAddress broker, string username, string? password,
        X509Certificate2Collection? trustedCas)
    {
        _options = options;
        DeviceId = deviceId;
        Broker = broker;
        Username = username;
        _password = password;
        _trustedCas = trustedCas;
    }

    public string DeviceId { get; }
    public BrokerAddress Broker { get; }
    public string Username { get; }

    /// <summary>Where the user name and password come from, for error messages.</summary>
    public string CredentialKeys =>
        $"{SyncOptions.SectionName}:Username{(_options.Username is null ? " (defaults to the device id)" : "")} and " +
        (_options.PasswordFile is not null ? $"{SyncOptions.SectionName}:PasswordFile" : $"{SyncOptions.SectionName}:Password");

    /// <exception cref="InvalidOperationException">A setting is wrong or a file cannot be read; the message names the key.</exception>
    public static SyncConnectionSettings Load(SyncOptions options, string deviceId)
    {
        options.Validate();
        if (DeviceIds.FindProblem(deviceId) is { } problem)
            throw new InvalidOperationException($"{AgentOptions.SectionName}:DeviceId: {problem}");
        var broker = SyncOptions.ParseBroker(options.Broker);
        var password = BrokerPassword.Resolve(options.Password, options.PasswordFile, $"{SyncOptions.SectionName}:PasswordFile");
        return new SyncConnectionSettings(options, deviceId, broker, options.Username ?? deviceId, password,
            options.CaCertificatePath is { } path ? ReadCertificates(path) : null);
    }

    /// <summary>
    /// The MQTT 5 connection: persistent session (clean start off, client id = device id, session expiry), keep-alive,
    /// and the retained "offline" status as last will, written now and sent by the broker if the device vanishes.
    /// </summary>
    public MqttClientOptions BuildClientOptions(byte[] lastWill)
    {
        return BrokerClientOptions.For(Broker, DeviceId, tls => tls.WithCertificateValidationHandler(args => IsTrusted(args.Certificate, args.SslPolicyErrors)))
            .WithCleanStart(false)
            .WithSessionExpiryInterval((uint)_options.SessionExpiry.TotalSeconds)
            .WithKeepAlivePeriod(_options.KeepAlive)
            .WithTimeout(_options.ConnectTimeout)
            .WithWillTopic(Topics.Status(DeviceId))
            .WithWillPayload(lastWill)
            .WithWillRetain(true)
            .WithWillQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .WithCredentials(Username, _password)
            .BuildWithLargeBuffers();
    }

    private bool IsTrusted(X509Certificate? certificate, SslPolicyErrors errors)
    {
        if (errors == SslPolicyErrors.None || _options.AllowUntrustedCertificates)
            return true;
        // Only an untrusted chain can be rescued by the configured CA; a wrong host name or no certificate cannot.
        if (_trustedCas is null || certificate is null || errors != SslPolicyErrors.RemoteCertificateChainErrors)
            return false;
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(_trustedCas);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        using var leaf = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        return chain.Build(leaf);
    }

    private static X509Certificate2Collection ReadCertificates(string path)
    {
        var certificates = new X509Certificate2Collection();
        try
        {
            certificates.ImportFromPemFile(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or CryptographicException)
        {
            throw new InvalidOperationException($"{SyncOptions.SectionName}:CaCertificatePath '{path}' cannot be read as PEM certificates: {e.Message}", e);
        }
        if (certificates.Count == 0)
            throw new InvalidOperationException($"{SyncOptions.SectionName}:CaCertificatePath '{path}' holds no PEM certificate.");
        return certificates;
    }
}
