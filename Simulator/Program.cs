using EventDriven.Simulator;

// Standalone upstream simulator: `dotnet run --project Simulator -- --urls http://127.0.0.1:5080`
// postcodes.io base URL: http://127.0.0.1:5080/   police API base URL: http://127.0.0.1:5080/api/
var builder = WebApplication.CreateBuilder(args);
builder.Services.Configure<SimulatorOptions>(builder.Configuration.GetSection(SimulatorOptions.SectionName));
builder.Services.AddSingleton(TimeProvider.System);
builder.Services.AddSingleton<UpstreamSimulator>();
builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.Converters.Add(new System.Text.Json.Serialization.JsonStringEnumConverter()));

var app = builder.Build();
app.MapUpstreamSimulator();
app.Run();
