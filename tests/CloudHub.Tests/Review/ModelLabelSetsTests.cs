using EdgeMlops.CloudHub.Registry;
using EdgeMlops.CloudHub.Review;
using EdgeMlops.CloudHub.Tests.Registry;
using EdgeMlops.CloudHub.Tests.Support;
using EdgeMlops.Contracts;

namespace EdgeMlops.CloudHub.Tests.Review;

/// <summary>The answers a reviewer may give: the registered manifest's labels when the registry holds the version, else the sample's classes.</summary>
public sealed class ModelLabelSetsTests
{
    private const string Device = "box-1";

    [Fact]
    public async Task A_registered_version_allows_every_class_of_its_manifest_and_an_unregistered_one_only_the_samples_classes()
    {
        await using var hub = new InProcessHub(settings: TestPackages.TrustDevKey);
        hub.Enroll(Device);
        await hub.Get<ModelRegistration>().RegisterAsync(RepositoryPaths.SeedModel, "alice", null, CancellationToken.None);
        // The samples' probabilities name car, van, truck and bus; the seed manifest also has motorcycle.
        await hub.IngestAsync(Device, ReviewSamples.Frame(Device, 1, version: "1.0.0"));
        await hub.IngestAsync(Device, ReviewSamples.Frame(Device, 2, version: "9.9.9"));
        var review = hub.Get<ReviewService>();

        Assert.Equal(["car", "van", "truck", "bus", "motorcycle", ReviewLabels.NotAVehicle, ReviewLabels.Unsure],
            review.Item(new SampleKey(Device, 5, 1))!.AllowedLabels);
        Assert.Equal(ReviewChange.Done, review.Label(new SampleKey(Device, 5, 1), "motorcycle", "alice").Outcome);
        var refused = review.Label(new SampleKey(Device, 5, 2), "motorcycle", "alice");
        Assert.Equal(ReviewChange.NotAllowed, refused.Outcome);
        Assert.Equal(["bus", "car", "truck", "van", ReviewLabels.NotAVehicle, ReviewLabels.Unsure], refused.AllowedLabels);
    }
}
