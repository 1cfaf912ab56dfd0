using System.Net;
using System.Net.Http.Headers;
using EdgeMlops.CloudHub.Operators;
using EdgeMlops.CloudHub.Registry;
using EdgeMlops.CloudHub.Tests.Support;

namespace EdgeMlops.CloudHub.Tests.Registry;

public sealed class RegistryUploadTests
{
    private static ByteArrayContent Zip(byte[] bytes, string contentType = "application/zip")
    {
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        return content;
    }

    [Fact]
    public async Task An_upload_over_the_size_limit_is_a_413_a_body_that_is_no_zip_a_422_and_another_content_type_a_415()
    {
        var settings = TestPackages.TrustDevKey;
        settings[$"{RegistryOptions.Section}:MaxPackageBytes"] = "4096";
        await using var hub = await InProcessHub.StartAsync(settings: settings);
        var client = hub.ClientAs(OperatorRole.Operator);

        using var notZip = await client.PostAsync("/api/models", Zip("not a zip at all"u8.ToArray()));
        using var json = await client.PostAsync("/api/models", Zip("{}"u8.ToArray(), "application/json"));
        using var tooLarge = await client.PostAsync("/api/models", Zip(new byte[5000]));

        var sizeProblem = await ProblemResponse.AssertAsync(tooLarge, HttpStatusCode.RequestEntityTooLarge);
        Assert.Equal(RegistrationChecks.Size, sizeProblem.GetProperty("check").GetString());
        var archiveProblem = await ProblemResponse.AssertAsync(notZip, HttpStatusCode.UnprocessableEntity);
        Assert.Equal(RegistrationChecks.Archive, archiveProblem.GetProperty("check").GetString());
        Assert.Equal("upload.zip", archiveProblem.GetProperty("file").GetString());
        Assert.DoesNotContain(hub.Directory, archiveProblem.GetProperty("detail").GetString());
        await ProblemResponse.AssertAsync(json, HttpStatusCode.UnsupportedMediaType);
        Assert.Equal(1, hub.Get<RegistryMetrics>().Refused(RegistrationChecks.Size));
        Assert.Empty(Directory.EnumerateFiles(hub.Get<ModelBlobStore>().ScratchDirectory, "*", SearchOption.AllDirectories));
    }
}
