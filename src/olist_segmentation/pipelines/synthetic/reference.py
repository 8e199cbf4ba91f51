"""Reference figures of Brazil and of the Olist catalogue used by the generator.

Summary facts only (shares, centroids, postcode ranges, category names): the
generator draws every row itself.
"""

from __future__ import annotations

# state: (CEP 5-digit prefix range(s), customer share %, seller share %, far from
# the Sao Paulo seller hub, cities as (name, lat, lng, weight)).
STATES: dict[str, dict] = {
    "SP": {
        "cep": [(1000, 19999)],
        "customers": 41.98,
        "sellers": 59.7,
        "far": False,
        "cities": [
            ("sao paulo", -23.55, -46.63, 45),
            ("campinas", -22.91, -47.06, 10),
            ("guarulhos", -23.45, -46.53, 6),
            ("santo andre", -23.66, -46.53, 5),
            ("osasco", -23.53, -46.79, 4),
            ("sorocaba", -23.50, -47.46, 5),
            ("ribeirao preto", -21.18, -47.81, 6),
            ("sao jose dos campos", -23.18, -45.88, 5),
            ("santos", -23.96, -46.33, 5),
            ("sao jose do rio preto", -20.81, -49.38, 4),
            ("bauru", -22.31, -49.06, 3),
            ("ibitinga", -21.76, -48.83, 2),
        ],
    },
    "RJ": {
        "cep": [(20000, 28999)],
        "customers": 12.92,
        "sellers": 5.5,
        "far": False,
        "cities": [
            ("rio de janeiro", -22.91, -43.17, 60),
            ("niteroi", -22.88, -43.10, 10),
            ("nova iguacu", -22.76, -43.45, 10),
            ("duque de caxias", -22.79, -43.31, 10),
            ("petropolis", -22.51, -43.18, 5),
            ("campos dos goytacazes", -21.75, -41.32, 5),
        ],
    },
    "ES": {
        "cep": [(29000, 29999)],
        "customers": 2.04,
        "sellers": 0.75,
        "far": False,
        "cities": [
            ("vitoria", -20.32, -40.34, 40),
            ("vila velha", -20.33, -40.29, 30),
            ("serra", -20.13, -40.31, 20),
            ("cachoeiro de itapemirim", -20.85, -41.11, 10),
        ],
    },
    "MG": {
        "cep": [(30000, 39999)],
        "customers": 11.70,
        "sellers": 7.9,
        "far": False,
        "cities": [
            ("belo horizonte", -19.92, -43.94, 40),
            ("contagem", -19.93, -44.05, 10),
            ("uberlandia", -18.92, -48.28, 15),
            ("juiz de fora", -21.76, -43.35, 15),
            ("montes claros", -16.73, -43.86, 10),
            ("governador valadares", -18.85, -41.95, 10),
        ],
    },
    "BA": {
        "cep": [(40000, 48999)],
        "customers": 3.40,
        "sellers": 0.6,
        "far": True,
        "cities": [
            ("salvador", -12.97, -38.50, 60),
            ("feira de santana", -12.27, -38.97, 20),
            ("vitoria da conquista", -14.86, -40.84, 10),
            ("ilheus", -14.79, -39.05, 10),
        ],
    },
    "SE": {
        "cep": [(49000, 49999)],
        "customers": 0.35,
        "sellers": 0.06,
        "far": True,
        "cities": [("aracaju", -10.91, -37.07, 1)],
    },
    "PE": {
        "cep": [(50000, 56999)],
        "customers": 1.66,
        "sellers": 0.3,
        "far": True,
        "cities": [
            ("recife", -8.05, -34.88, 60),
            ("jaboatao dos guararapes", -8.11, -35.01, 20),
            ("petrolina", -9.39, -40.50, 20),
        ],
    },
    "AL": {
        "cep": [(57000, 57999)],
        "customers": 0.41,
        "sellers": 0.0,
        "far": True,
        "cities": [("maceio", -9.67, -35.74, 80), ("arapiraca", -9.75, -36.66, 20)],
    },
    "PB": {
        "cep": [(58000, 58999)],
        "customers": 0.54,
        "sellers": 0.2,
        "far": True,
        "cities": [
            ("joao pessoa", -7.12, -34.86, 70),
            ("campina grande", -7.23, -35.88, 30),
        ],
    },
    "RN": {
        "cep": [(59000, 59999)],
        "customers": 0.49,
        "sellers": 0.16,
        "far": True,
        "cities": [("natal", -5.79, -35.21, 80), ("mossoro", -5.19, -37.34, 20)],
    },
    "CE": {
        "cep": [(60000, 63999)],
        "customers": 1.34,
        "sellers": 0.4,
        "far": True,
        "cities": [
            ("fortaleza", -3.73, -38.52, 80),
            ("juazeiro do norte", -7.21, -39.31, 20),
        ],
    },
    "PI": {
        "cep": [(64000, 64999)],
        "customers": 0.50,
        "sellers": 0.03,
        "far": True,
        "cities": [("teresina", -5.09, -42.80, 1)],
    },
    "MA": {
        "cep": [(65000, 65999)],
        "customers": 0.75,
        "sellers": 0.03,
        "far": True,
        "cities": [("sao luis", -2.53, -44.30, 70), ("imperatriz", -5.53, -47.49, 30)],
    },
    "PA": {
        "cep": [(66000, 68899)],
        "customers": 0.98,
        "sellers": 0.03,
        "far": True,
        "cities": [
            ("belem", -1.46, -48.49, 70),
            ("santarem", -2.44, -54.71, 15),
            ("maraba", -5.37, -49.12, 15),
        ],
    },
    "AP": {
        "cep": [(68900, 68999)],
        "customers": 0.07,
        "sellers": 0.0,
        "far": True,
        "cities": [("macapa", 0.03, -51.07, 1)],
    },
    "AM": {
        "cep": [(69000, 69299), (69400, 69899)],
        "customers": 0.15,
        "sellers": 0.03,
        "far": True,
        "cities": [("manaus", -3.12, -60.02, 1)],
    },
    "RR": {
        "cep": [(69300, 69399)],
        "customers": 0.05,
        "sellers": 0.0,
        "far": True,
        "cities": [("boa vista", 2.82, -60.67, 1)],
    },
    "AC": {
        "cep": [(69900, 69999)],
        "customers": 0.08,
        "sellers": 0.03,
        "far": True,
        "cities": [("rio branco", -9.97, -67.81, 1)],
    },
    "DF": {
        "cep": [(70000, 73699)],
        "customers": 2.15,
        "sellers": 1.0,
        "far": False,
        "cities": [("brasilia", -15.79, -47.88, 1)],
    },
    "GO": {
        "cep": [(73700, 76799)],
        "customers": 2.03,
        "sellers": 1.3,
        "far": False,
        "cities": [
            ("goiania", -16.69, -49.26, 60),
            ("anapolis", -16.33, -48.95, 20),
            ("rio verde", -17.80, -50.93, 20),
        ],
    },
    "RO": {
        "cep": [(76800, 76999)],
        "customers": 0.25,
        "sellers": 0.06,
        "far": True,
        "cities": [
            ("porto velho", -8.76, -63.90, 60),
            ("ji-parana", -10.88, -61.95, 40),
        ],
    },
    "TO": {
        "cep": [(77000, 77999)],
        "customers": 0.28,
        "sellers": 0.0,
        "far": True,
        "cities": [("palmas", -10.18, -48.33, 1)],
    },
    "MT": {
        "cep": [(78000, 78899)],
        "customers": 0.91,
        "sellers": 0.13,
        "far": False,
        "cities": [
            ("cuiaba", -15.60, -56.10, 70),
            ("rondonopolis", -16.47, -54.64, 30),
        ],
    },
    "MS": {
        "cep": [(79000, 79999)],
        "customers": 0.72,
        "sellers": 0.16,
        "far": False,
        "cities": [
            ("campo grande", -20.47, -54.62, 70),
            ("dourados", -22.22, -54.81, 30),
        ],
    },
    "PR": {
        "cep": [(80000, 87999)],
        "customers": 5.07,
        "sellers": 11.3,
        "far": False,
        "cities": [
            ("curitiba", -25.43, -49.27, 45),
            ("londrina", -23.31, -51.16, 15),
            ("maringa", -23.42, -51.94, 15),
            ("cascavel", -24.96, -53.46, 10),
            ("ponta grossa", -25.09, -50.16, 15),
        ],
    },
    "SC": {
        "cep": [(88000, 89999)],
        "customers": 3.66,
        "sellers": 6.1,
        "far": False,
        "cities": [
            ("florianopolis", -27.60, -48.55, 30),
            ("joinville", -26.30, -48.85, 30),
            ("blumenau", -26.92, -49.07, 25),
            ("chapeco", -27.10, -52.62, 15),
        ],
    },
    "RS": {
        "cep": [(90000, 99999)],
        "customers": 5.50,
        "sellers": 4.2,
        "far": False,
        "cities": [
            ("porto alegre", -30.03, -51.23, 50),
            ("caxias do sul", -29.17, -51.18, 20),
            ("pelotas", -31.77, -52.34, 15),
            ("santa maria", -29.68, -53.81, 15),
        ],
    },
}

# Points of the real geolocation file that fall outside Brazil (Portugal, the
# Atlantic, ...): (lat, lng).
OUTSIDE_BRAZIL = [(42.18, -8.72), (38.72, -9.14), (41.15, -8.61), (-34.6, -58.4)]

# Monthly order volume (all statuses), 2016-09 .. 2018-10.
MONTHLY_ORDERS = {
    "2016-09": 4,
    "2016-10": 324,
    "2016-11": 0,
    "2016-12": 1,
    "2017-01": 800,
    "2017-02": 1780,
    "2017-03": 2682,
    "2017-04": 2404,
    "2017-05": 3700,
    "2017-06": 3245,
    "2017-07": 4026,
    "2017-08": 4331,
    "2017-09": 4285,
    "2017-10": 4631,
    "2017-11": 7544,
    "2017-12": 5673,
    "2018-01": 7269,
    "2018-02": 6728,
    "2018-03": 7211,
    "2018-04": 6939,
    "2018-05": 6873,
    "2018-06": 6167,
    "2018-07": 6292,
    "2018-08": 6512,
    "2018-09": 16,
    "2018-10": 4,
}

# Purchases by hour of day (relative weights).
HOURLY_WEIGHTS = [
    25, 12, 5, 3, 2, 2, 5, 13, 30, 48, 62, 66, 60, 66, 66, 64, 64, 60, 57, 60, 63,
    67, 60, 40,
]  # fmt: skip

# Monday .. Sunday
WEEKDAY_WEIGHTS = [1.12, 1.12, 1.08, 1.05, 1.0, 0.75, 0.85]

ORDER_STATUS = {
    "delivered": 96478,
    "shipped": 1107,
    "canceled": 625,
    "unavailable": 609,
    "invoiced": 314,
    "processing": 301,
    "created": 5,
    "approved": 2,
}

# Orders per person (customer_unique_id) among repeat buyers.
REPEAT_ORDERS = {2: 2745, 3: 203, 4: 30, 5: 8, 6: 6, 7: 3, 9: 1, 17: 1}
SINGLE_ORDER_PERSONS = 93099

# Items per order (orders with items).
ITEMS_PER_ORDER = {
    1: 88863, 2: 7516, 3: 1322, 4: 505, 5: 204, 6: 198, 7: 22, 8: 8, 9: 3, 10: 8,
    11: 4, 12: 5, 13: 1, 14: 2, 15: 2, 20: 2, 21: 1,
}  # fmt: skip

# Payment rows per order among orders paid in several rows.
PAYMENT_ROWS = {
    2: 2382, 3: 301, 4: 108, 5: 52, 6: 36, 7: 28, 8: 11, 9: 9, 10: 5, 11: 8, 12: 8,
    13: 3, 14: 2, 15: 2, 19: 2, 21: 1, 22: 1, 26: 1, 29: 1,
}  # fmt: skip

# Credit-card instalments: low (1-5) and high (6-24) choices with their weights.
INSTALMENTS_LOW = {1: 25500, 2: 12413, 3: 10461, 4: 7098, 5: 5239}
INSTALMENTS_HIGH = {
    6: 3920, 7: 1626, 8: 4268, 9: 644, 10: 5328, 11: 23, 12: 133, 13: 16, 14: 15,
    15: 74, 16: 5, 17: 8, 18: 27, 20: 17, 21: 3, 22: 1, 23: 1, 24: 18,
}  # fmt: skip

# Share of delivered orders that arrive after the estimated date, by purchase month
# (public analyses of the full data: about 8% overall, low through mid-2017, peaks
# after Black Friday 2017 and in the February-March 2018 truckers' unrest); months
# absent take the overall share.
LATE_SHARE_BY_MONTH = {
    "2017-01": 0.03, "2017-02": 0.04, "2017-03": 0.04, "2017-04": 0.05,
    "2017-05": 0.03, "2017-06": 0.03, "2017-07": 0.03, "2017-08": 0.03,
    "2017-09": 0.04, "2017-10": 0.05, "2017-11": 0.14, "2017-12": 0.09,
    "2018-01": 0.07, "2018-02": 0.16, "2018-03": 0.21, "2018-04": 0.08,
    "2018-05": 0.05, "2018-06": 0.03, "2018-07": 0.05, "2018-08": 0.08,
}  # fmt: skip
LATE_SHARE_OVERALL = 0.08
# Customers in the far states (North, Northeast) get late deliveries this much more
# often than the others (real: about 14% against 7.5%).
FAR_LATE_RATIO = 1.9

# Products per category in the real catalogue; the last two are missing from the
# translation file.
CATEGORY_PRODUCTS = {
    "cama_mesa_banho": 3029, "esporte_lazer": 2867, "moveis_decoracao": 2657,
    "beleza_saude": 2444, "utilidades_domesticas": 2335, "automotivo": 1900,
    "informatica_acessorios": 1639, "brinquedos": 1411, "relogios_presentes": 1329,
    "telefonia": 1134, "bebes": 919, "perfumaria": 868, "papelaria": 849,
    "fashion_bolsas_e_acessorios": 849, "cool_stuff": 789, "ferramentas_jardim": 753,
    "pet_shop": 719, "eletronicos": 517, "construcao_ferramentas_construcao": 400,
    "eletrodomesticos": 370, "malas_acessorios": 349, "consoles_games": 317,
    "moveis_escritorio": 309, "instrumentos_musicais": 289, "eletroportateis": 231,
    "casa_construcao": 225, "livros_interesse_geral": 216, "fashion_calcados": 173,
    "moveis_sala": 156, "climatizacao": 124, "livros_tecnicos": 123,
    "telefonia_fixa": 116, "casa_conforto": 111, "market_place": 104,
    "alimentos_bebidas": 104, "fashion_roupa_masculina": 95,
    "moveis_cozinha_area_de_servico_jantar_e_jardim": 94,
    "sinalizacao_e_seguranca": 93, "construcao_ferramentas_seguranca": 91,
    "eletrodomesticos_2": 90, "construcao_ferramentas_jardim": 88, "alimentos": 82,
    "bebidas": 81, "construcao_ferramentas_iluminacao": 78,
    "agro_industria_e_comercio": 74, "industria_comercio_e_negocios": 68,
    "artigos_de_natal": 65, "audio": 58, "artes": 55,
    "fashion_underwear_e_moda_praia": 53, "dvds_blu_ray": 48, "moveis_quarto": 45,
    "construcao_ferramentas_ferramentas": 39, "livros_importados": 31,
    "portateis_casa_forno_e_cafe": 31, "pcs": 30, "cine_foto": 28,
    "fashion_roupa_feminina": 27, "musica": 27, "artigos_de_festas": 26,
    "fashion_esporte": 19, "artes_e_artesanato": 19, "flores": 14,
    "fraldas_higiene": 12, "la_cuisine": 10,
    "portateis_cozinha_e_preparadores_de_alimentos": 10,
    "moveis_colchao_e_estofado": 10, "tablets_impressao_imagem": 9,
    "fashion_roupa_infanto_juvenil": 5, "casa_conforto_2": 5, "pc_gamer": 3,
    "seguros_e_servicos": 2, "cds_dvds_musicais": 1,
}  # fmt: skip
PRODUCTS_WITHOUT_CATEGORY = 610
PRODUCTS_WITHOUT_SIZE = 2

# The translation file, in its own row order (71 rows).
CATEGORY_TRANSLATION = [
    ("beleza_saude", "health_beauty"),
    ("informatica_acessorios", "computers_accessories"),
    ("automotivo", "auto"),
    ("cama_mesa_banho", "bed_bath_table"),
    ("moveis_decoracao", "furniture_decor"),
    ("esporte_lazer", "sports_leisure"),
    ("perfumaria", "perfumery"),
    ("utilidades_domesticas", "housewares"),
    ("telefonia", "telephony"),
    ("relogios_presentes", "watches_gifts"),
    ("alimentos_bebidas", "food_drink"),
    ("bebes", "baby"),
    ("papelaria", "stationery"),
    ("tablets_impressao_imagem", "tablets_printing_image"),
    ("brinquedos", "toys"),
    ("telefonia_fixa", "fixed_telephony"),
    ("ferramentas_jardim", "garden_tools"),
    ("fashion_bolsas_e_acessorios", "fashion_bags_accessories"),
    ("eletroportateis", "small_appliances"),
    ("consoles_games", "consoles_games"),
    ("audio", "audio"),
    ("fashion_calcados", "fashion_shoes"),
    ("cool_stuff", "cool_stuff"),
    ("malas_acessorios", "luggage_accessories"),
    ("climatizacao", "air_conditioning"),
    ("construcao_ferramentas_construcao", "construction_tools_construction"),
    (
        "moveis_cozinha_area_de_servico_jantar_e_jardim",
        "kitchen_dining_laundry_garden_furniture",
    ),
    ("construcao_ferramentas_jardim", "costruction_tools_garden"),
    ("fashion_roupa_masculina", "fashion_male_clothing"),
    ("pet_shop", "pet_shop"),
    ("moveis_escritorio", "office_furniture"),
    ("market_place", "market_place"),
    ("eletronicos", "electronics"),
    ("eletrodomesticos", "home_appliances"),
    ("artigos_de_festas", "party_supplies"),
    ("casa_conforto", "home_confort"),
    ("construcao_ferramentas_ferramentas", "costruction_tools_tools"),
    ("agro_industria_e_comercio", "agro_industry_and_commerce"),
    ("moveis_colchao_e_estofado", "furniture_mattress_and_upholstery"),
    ("livros_tecnicos", "books_technical"),
    ("casa_construcao", "home_construction"),
    ("instrumentos_musicais", "musical_instruments"),
    ("moveis_sala", "furniture_living_room"),
    ("construcao_ferramentas_iluminacao", "construction_tools_lights"),
    ("industria_comercio_e_negocios", "industry_commerce_and_business"),
    ("alimentos", "food"),
    ("artes", "art"),
    ("moveis_quarto", "furniture_bedroom"),
    ("livros_interesse_geral", "books_general_interest"),
    ("construcao_ferramentas_seguranca", "construction_tools_safety"),
    ("fashion_underwear_e_moda_praia", "fashion_underwear_beach"),
    ("fashion_esporte", "fashion_sport"),
    ("sinalizacao_e_seguranca", "signaling_and_security"),
    ("pcs", "computers"),
    ("artigos_de_natal", "christmas_supplies"),
    ("fashion_roupa_feminina", "fashio_female_clothing"),
    ("eletrodomesticos_2", "home_appliances_2"),
    ("livros_importados", "books_imported"),
    ("bebidas", "drinks"),
    ("cine_foto", "cine_photo"),
    ("la_cuisine", "la_cuisine"),
    ("musica", "music"),
    ("casa_conforto_2", "home_comfort_2"),
    ("portateis_casa_forno_e_cafe", "small_appliances_home_oven_and_coffee"),
    ("cds_dvds_musicais", "cds_dvds_musicals"),
    ("dvds_blu_ray", "dvds_blu_ray"),
    ("flores", "flowers"),
    ("artes_e_artesanato", "arts_and_craftmanship"),
    ("fraldas_higiene", "diapers_and_hygiene"),
    ("fashion_roupa_infanto_juvenil", "fashion_childrens_clothes"),
    ("seguros_e_servicos", "security_and_services"),
]

# Review texts (Portuguese-ish), some with commas, quotes and line breaks.
TITLES_GOOD = [
    "Recomendo", "Super recomendo", "Ótimo", "Excelente", "Muito bom",
    "Produto excelente", "Adorei", "Chegou rápido", "Perfeito", "Bom",
]  # fmt: skip
TITLES_BAD = [
    "Não recebi", "Péssimo", "Produto com defeito", "Não recomendo", "Atraso",
    "Decepcionado", "Ruim", "Entrega atrasada", "Veio errado", "Regular",
]  # fmt: skip
MESSAGES_GOOD = [
    "Produto chegou antes do prazo, recomendo.",
    "Muito bom, chegou bem embalado.",
    "Ótimo produto, entrega rápida e tudo certo",
    'Veio exatamente como "anunciado".',
    "Gostei muito!\r\nRecomendo a loja.",
    "Excelente qualidade, superou as expectativas",
    "Tudo ok, obrigado",
    "Chegou no prazo, produto de qualidade, recomendo",
    "Bom custo benefício",
    "Entrega rápida.\nProduto conforme descrito.",
    "Comprei para presente e a pessoa adorou",
    "Produto bom, porém a embalagem veio amassada",
]
MESSAGES_BAD = [
    "Até agora não recebi o produto.",
    "Produto veio com defeito, quero a troca",
    'Comprei 2 unidades e só veio 1, "lamentável".',
    "Péssimo atendimento.\r\nNinguém responde.",
    "Entrega muito atrasada, não recomendo",
    "O produto não corresponde ao anúncio",
    "Veio quebrado, aguardo retorno",
    "Demorou demais, prazo não cumprido",
    "Recebi outro produto, diferente do que comprei",
    "Não gostei.\nQualidade ruim, material fraco",
]
