using OpenCvSharp;

namespace EdgeMlops.Synthetic.Scenes;

/// <summary>Ground truth for one vehicle in one frame.</summary>
/// <param name="TrackId">Stable for the vehicle's whole passage through the view.</param>
/// <param name="Label">Class label (<see cref="Vehicles.VehicleClasses.Labels"/> for synthetic scenes).</param>
/// <param name="Box">Full vehicle box clipped to the frame (occluded parts included).</param>
/// <param name="Visible">Share of the vehicle's silhouette that is in the frame and not hidden by nearer vehicles, 0..1.</param>
public sealed record TruthObject(int TrackId, string Label, Rect Box, double Visible);
