using EdgeMlops.CloudHub.Devices;
using EdgeMlops.CloudHub.Tests.Support;

namespace EdgeMlops.CloudHub.Tests.Devices;

public sealed class DeviceRegistryTests : IAsyncLifetime
{
    private readonly InProcessHub _store = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _store.DisposeAsync();

    [Fact]
    public void An_enrolled_device_verifies_with_its_secret_and_only_with_it()
    {
        var enrollment = _store.Registry.Enroll("box-1");

        Assert.Equal("box-1", enrollment.DeviceId);
        Assert.Equal(InProcessHub.Start, enrollment.EnrolledAt);
        Assert.Equal(43, enrollment.Secret.Length); // 32 bytes as unpadded base64url
        Assert.True(_store.Registry.Verify("box-1", enrollment.Secret));
        Assert.False(_store.Registry.Verify("box-1", enrollment.Secret + "x"));
        Assert.False(_store.Registry.Verify("box-1", ""));
        Assert.False(_store.Registry.Verify("box-2", enrollment.Secret));
    }

    [Fact]
    public void The_secret_is_stored_only_as_a_mosquitto_pbkdf2_hash()
    {
        var enrollment = _store.Registry.Enroll("box-1");

        var device = Assert.Single(_store.Registry.List());
        Assert.Equal("box-1", device.DeviceId);
        Assert.StartsWith("$7$101$", device.PasswordHash);
        Assert.DoesNotContain(enrollment.Secret, device.PasswordHash);
        Assert.DoesNotContain(enrollment.Secret, File.ReadAllText(_store.DatabasePath + "-wal", System.Text.Encoding.Latin1)
            + File.ReadAllText(_store.DatabasePath, System.Text.Encoding.Latin1));
    }

    [Fact]
    public void Enrolling_again_replaces_the_secret()
    {
        var first = _store.Registry.Enroll("box-1");
        _store.Time.Advance(TimeSpan.FromHours(1));
        var second = _store.Registry.Enroll("box-1");

        Assert.NotEqual(first.Secret, second.Secret);
        Assert.Equal(first.EnrolledAt, second.EnrolledAt);
        Assert.False(_store.Registry.Verify("box-1", first.Secret));
        Assert.True(_store.Registry.Verify("box-1", second.Secret));
        Assert.Single(_store.Registry.List());
    }

    [Fact]
    public void A_revoked_device_no_longer_verifies_and_can_be_enrolled_anew()
    {
        var enrollment = _store.Registry.Enroll("box-1");
        _store.Registry.Enroll("box-2");

        Assert.True(_store.Registry.Revoke("box-1"));
        Assert.False(_store.Registry.Revoke("box-1"));
        Assert.False(_store.Registry.Revoke("never-enrolled"));
        Assert.False(_store.Registry.Verify("box-1", enrollment.Secret));
        Assert.False(_store.Registry.IsEnrolled("box-1"));
        Assert.Equal(["box-2"], _store.Registry.List().Select(d => d.DeviceId));

        _store.Time.Advance(TimeSpan.FromDays(1));
        var again = _store.Registry.Enroll("box-1");
        Assert.Equal(InProcessHub.Start.AddDays(1), again.EnrolledAt);
        Assert.True(_store.Registry.Verify("box-1", again.Secret));
    }

    [Theory]
    [InlineData("")]
    [InlineData("a/b")]
    [InlineData("a+b")]
    [InlineData("#")]
    [InlineData("tab\there")]
    public void An_invalid_device_id_is_refused(string deviceId)
    {
        var error = Assert.Throws<ArgumentException>(() => _store.Registry.Enroll(deviceId));
        Assert.Contains("device id", error.Message);
        Assert.Empty(_store.Registry.List());
    }

    [Fact]
    public async Task The_registry_survives_a_reopen_of_the_database()
    {
        var enrollment = _store.Registry.Enroll("box-1");
        await using var reopened = new InProcessHub(directory: _store.Directory);

        Assert.True(reopened.Registry.Verify("box-1", enrollment.Secret));
    }
}
