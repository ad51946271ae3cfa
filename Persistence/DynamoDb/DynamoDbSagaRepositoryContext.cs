using MassTransit;
using MassTransit.Context;
using MassTransit.Logging;
using MassTransit.Middleware;
using MassTransit.Saga;

namespace EventDriven.Persistence.DynamoDb;

/// <summary>
/// One message's view of the DynamoDB saga store, as MassTransit's saga pipeline drives it: Load, then Update (or Delete
/// when finalized); for a new instance Add, then Save. Every write is conditional on the version that was read.
/// </summary>
public sealed class DynamoDbSagaRepositoryContext<TSaga, TMessage> : ConsumeContextScope<TMessage>, SagaRepositoryContext<TSaga, TMessage>
    where TSaga : class, ISagaVersion
    where TMessage : class
{
    private readonly DynamoDbSagaStore<TSaga> _store;
    private readonly ConsumeContext<TMessage> _consumeContext;
    private readonly ISagaConsumeContextFactory<DynamoDbSagaStore<TSaga>, TSaga> _factory;
    private SagaLoad<TSaga>? _loaded;

    public DynamoDbSagaRepositoryContext(
        DynamoDbSagaStore<TSaga> store,
        ConsumeContext<TMessage> consumeContext,
        ISagaConsumeContextFactory<DynamoDbSagaStore<TSaga>, TSaga> factory)
        : base(consumeContext)
    {
        _store = store;
        _consumeContext = consumeContext;
        _factory = factory;
    }

    /// <summary>A new instance, written by <see cref="Save"/> once the event has been applied.</summary>
    public Task<SagaConsumeContext<TSaga, TMessage>> Add(TSaga instance) =>
        _factory.CreateSagaConsumeContext(_store, _consumeContext, instance, SagaConsumeContextMode.Add);

    /// <summary>Pre-insert (for sagas configured to insert before the event): null when the instance already exists, so it is loaded instead.</summary>
    public async Task<SagaConsumeContext<TSaga, TMessage>> Insert(TSaga instance)
    {
        try
        {
            await _store.InsertAsync(instance, CancellationToken).ConfigureAwait(false);
            _consumeContext.LogInsert<TSaga, TMessage>(instance.CorrelationId);
            return await _factory.CreateSagaConsumeContext(_store, _consumeContext, instance, SagaConsumeContextMode.Insert).ConfigureAwait(false);
        }
        catch (ConcurrencyException ex)
        {
            _consumeContext.LogInsertFault<TSaga, TMessage>(ex, instance.CorrelationId);
            return null!;
        }
    }

    public async Task<SagaConsumeContext<TSaga, TMessage>> Load(Guid correlationId)
    {
        // As this message should see it: a message delivered again after its save gets the version before (see the store).
        _loaded = await _store.LoadForMessageAsync(correlationId, _consumeContext.MessageId, CancellationToken).ConfigureAwait(false);
        return _loaded.Instance is not { } instance
            ? null!
            : await _factory.CreateSagaConsumeContext(_store, _consumeContext, instance, SagaConsumeContextMode.Load).ConfigureAwait(false);
    }

    // The transition's history entry, when the saga records one, is written in the same transaction (SagaWriteCompanion).
    public Task Save(SagaConsumeContext<TSaga> context) =>
        _store.InsertAsync(context.Saga, _loaded ?? new SagaLoad<TSaga>(null, null, null, _consumeContext.MessageId), SagaWriteCompanion.Of(context), CancellationToken);

    public Task Update(SagaConsumeContext<TSaga> context) => _store.UpdateAsync(context.Saga, _loaded, SagaWriteCompanion.Of(context), CancellationToken);

    public Task Delete(SagaConsumeContext<TSaga> context) => _store.DeleteAsync(context.Saga, CancellationToken);

    // Nothing was written before the event was applied, so there is nothing to take back.
    public Task Discard(SagaConsumeContext<TSaga> context) => Task.CompletedTask;

    public Task Undo(SagaConsumeContext<TSaga> context) => Task.CompletedTask;

    public Task<SagaConsumeContext<TSaga, T>> CreateSagaConsumeContext<T>(ConsumeContext<T> context, TSaga instance, SagaConsumeContextMode mode)
        where T : class =>
        _factory.CreateSagaConsumeContext(_store, context, instance, mode);
}

/// <summary>Loads instances outside a message (MassTransit's <c>ILoadSagaRepository</c>).</summary>
public sealed class DynamoDbLoadSagaRepositoryContext<TSaga>(DynamoDbSagaStore<TSaga> store, CancellationToken cancellationToken)
    : BasePipeContext(cancellationToken), LoadSagaRepositoryContext<TSaga>
    where TSaga : class, ISagaVersion
{
    public async Task<TSaga> Load(Guid correlationId) => (await store.LoadAsync(correlationId, CancellationToken).ConfigureAwait(false))!;
}
