namespace EventDriven.Simulator;

/// <summary>
/// Standalone upstream simulator: <c>dotnet run --project Simulator -- --urls http://127.0.0.1:5080</c>.
/// postcodes.io base URL: <c>http://127.0.0.1:5080/</c>; police API base URL: <c>http://127.0.0.1:5080/api/</c>.
/// </summary>
public static class SimulatorProgram
{
    public static void Main(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.Services.Configure<SimulatorOptions>(builder.Configuration.GetSection(SimulatorOptions.SectionName));
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<UpstreamSimulator>();
        builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.Converters.Add(new System.Text.Json.Serialization.JsonStringEnumConverter()));

        var app = builder.Build();
        app.MapUpstreamSimulator();
        app.Run();
    }
}
