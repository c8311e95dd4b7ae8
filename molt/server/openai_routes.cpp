#include "molt/server/openai_routes.h"

#include "molt/server/openai_wire.h"

namespace molt::server {

ModelListing model_listing(const ServedModel& model) {
  const ModelCard& card = model.backend->card();
  ModelListing m;
  m.id = model.name;
  m.dim = card.dim;
  m.max_tokens = card.max_tokens;
  m.architecture = card.architecture;
  m.identity = card.identity;
  m.prompt_names = card.prompt_names;
  return m;
}

std::vector<Route> openai_routes(EmbeddingService& service) {
  const auto embeddings = [&service](const HttpRequest& request) {
    const EmbeddingsRequest req = parse_embeddings_request(request.body, service.limits().max_inputs);
    EmbedCall call;
    call.model = req.model;
    call.inputs = req.inputs;
    call.inputs_field = "input";
    call.single = req.single;
    call.prompt_name = req.prompt_name;
    call.dimensions = req.dimensions;
    const Embeddings result = service.embed(call);
    return json_response(embeddings_response_body(result.model->name, result.vectors, result.dim,
                                                  req.encoding_format, result.n_tokens));
  };
  const auto list = [&service](const HttpRequest&) {
    std::vector<ModelListing> models;
    for (const auto& m : service.models().all()) models.push_back(model_listing(*m));
    return json_response(models_list_body(models));
  };
  const auto one = [&service](const HttpRequest& request) {
    // An id that is not served answers 404 with OpenAI's model_not_found.
    return json_response(model_body(model_listing(service.models().find(request.param("id")))));
  };
  return {
      Route{"POST", "/v1/embeddings", "/v1/embeddings", false, embeddings},
      Route{"POST", "/embeddings", "/embeddings", false, embeddings},
      Route{"GET", "/v1/models", "/v1/models", false, list},
      Route{"GET", "/v1/models/{id*}", "/v1/models/{id}", false, one},
  };
}

}  // namespace molt::server
