using System.Text.Json.Serialization;
using EventDriven.Simulator;

// The upstream simulator standalone on a port (distributed runs, load tests):
//   dotnet run --project SimulatorServer -- --urls http://127.0.0.1:5080
// postcodes.io base URL: http://127.0.0.1:5080/ ; police API base URL: http://127.0.0.1:5080/api/
var builder = WebApplication.CreateBuilder(args);
builder.Services.AddUpstreamSimulator(builder.Configuration);
// The control API (/_simulator/faults) reads and writes fault targets by name.
builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.Converters.Add(new JsonStringEnumConverter()));

var app = builder.Build();
app.MapUpstreamSimulator();
app.Run();
